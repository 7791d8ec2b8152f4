/** The backends a config may ask for: one list for the schema, the spec's type and the code that starts one. */
export const BACKEND_NAMES = ['auto', 'tensorflow', 'native', 'wasm', 'cpu'] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];

/** The matrix products the native backend may run (runtime.blas): one list for the schema, the spec's type and the code. */
export const BLAS_NAMES = ['auto', 'openblas', 'builtin'] as const;

export type BlasName = (typeof BLAS_NAMES)[number];
