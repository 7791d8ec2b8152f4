// Loading OpenBLAS with dlopen, one thread per process: folds already run one process per core, and OpenBLAS
// threads on top would only contend for the same cores.
#include "blas-library.h"
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static void *library;
static void *sgemm;
static char description[256];
static char error[512];

int load_openblas(void) {
  if (sgemm != NULL) return 1;
  setenv("OPENBLAS_NUM_THREADS", "1", 1);
  const char *names[] = {"libopenblas.so.0", "libopenblas.so"};
  for (size_t i = 0; i < sizeof names / sizeof names[0] && library == NULL; ++i) {
    library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    // The first name's reason is the one to report: the second is only the unversioned development link.
    if (library == NULL && i == 0) snprintf(error, sizeof error, "OpenBLAS is not installed (%s)", dlerror());
  }
  if (library == NULL) return 0;
  sgemm = dlsym(library, "cblas_sgemm");
  if (sgemm == NULL) {
    snprintf(error, sizeof error, "the OpenBLAS library has no cblas_sgemm");
    return 0;
  }
  void (*set_threads)(int) = (void (*)(int))dlsym(library, "openblas_set_num_threads");
  if (set_threads != NULL) set_threads(1);
  char *(*config)(void) = (char *(*)(void))dlsym(library, "openblas_get_config");
  char *(*core)(void) = (char *(*)(void))dlsym(library, "openblas_get_corename");
  snprintf(description, sizeof description, "%s%s%s", config ? config() : "OpenBLAS", core ? ", core " : "", core ? core() : "");
  return 1;
}

void *openblas_sgemm(void) { return sgemm; }
const char *openblas_description(void) { return description; }
const char *openblas_error(void) { return error; }
