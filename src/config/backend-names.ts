/** The backends a config may ask for: one list for the schema, the spec's type and the code that starts one. */
export const BACKEND_NAMES = ['auto', 'tensorflow', 'native', 'wasm', 'cpu'] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];
