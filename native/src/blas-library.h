// OpenBLAS, loaded at run time with dlopen, with the core type asked for.
#ifndef PIPELINE_BLAS_LIBRARY_H
#define PIPELINE_BLAS_LIBRARY_H

// Loads OpenBLAS (again, when it is loaded with another core already): with OPENBLAS_CORETYPE=core while it loads
// when core is not NULL (OpenBLAS reads the variable then), as the environment has it otherwise. 1 when loaded,
// else 0 with the reason in openblas_error().
int load_openblas(const char *core);
// cblas_sgemm of the loaded library (NULL before a successful load_openblas).
void *openblas_sgemm(void);
// openblas_get_config() and openblas_get_corename() of the loaded library.
const char *openblas_config(void);
const char *openblas_core(void);
const char *openblas_error(void);

#endif
