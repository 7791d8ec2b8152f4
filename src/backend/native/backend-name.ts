/** The name the native backend is registered under. */
export const NATIVE_BACKEND = 'native';
