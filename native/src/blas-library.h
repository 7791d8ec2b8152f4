// OpenBLAS, loaded at run time with dlopen.
#ifndef PIPELINE_BLAS_LIBRARY_H
#define PIPELINE_BLAS_LIBRARY_H

// Loads OpenBLAS once; 1 when loaded, else 0 with the reason in openblas_error().
int load_openblas(void);
// cblas_sgemm of the loaded library (NULL before a successful load_openblas).
void *openblas_sgemm(void);
const char *openblas_description(void);
const char *openblas_error(void);

#endif
