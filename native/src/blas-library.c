// Loading OpenBLAS with dlopen, one thread per process: folds already run one process per core, and OpenBLAS
// threads on top would only contend for the same cores.
#include "blas-library.h"
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *library;
static void *sgemm;
static char config[256];
static char core[64];
static char error[512];

static void unload(void) {
  if (library != NULL) dlclose(library);
  library = sgemm = NULL;
  config[0] = core[0] = '\0';
}

static void *open_library(void) {
  // PIPELINE_OPENBLAS names another library file (an OpenBLAS outside the linker's path).
  const char *custom = getenv("PIPELINE_OPENBLAS");
  const char *names[] = {custom != NULL && *custom != '\0' ? custom : "libopenblas.so.0", "libopenblas.so"};
  const size_t count = custom != NULL && *custom != '\0' ? 1 : 2;
  void *opened = NULL;
  for (size_t i = 0; i < count && opened == NULL; ++i) {
    opened = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    // The first name's reason is the one to report: the second is only the unversioned development link.
    if (opened == NULL && i == 0) snprintf(error, sizeof error, "OpenBLAS is not installed (%s)", dlerror());
  }
  return opened;
}

int load_openblas(const char *wanted_core) {
  unload();
  setenv("OPENBLAS_NUM_THREADS", "1", 1);
  if (wanted_core != NULL) {
    // Set only while the library loads, then put back as it was: processes started later make their own choice
    // from the environment they were given, as this one did.
    const char *given = getenv("OPENBLAS_CORETYPE");
    char *previous = given != NULL ? strdup(given) : NULL;
    setenv("OPENBLAS_CORETYPE", wanted_core, 1);
    library = open_library();
    if (previous != NULL) {
      setenv("OPENBLAS_CORETYPE", previous, 1);
      free(previous);
    } else {
      unsetenv("OPENBLAS_CORETYPE");
    }
  } else {
    library = open_library();
  }
  if (library == NULL) return 0;
  sgemm = dlsym(library, "cblas_sgemm");
  if (sgemm == NULL) {
    snprintf(error, sizeof error, "the OpenBLAS library has no cblas_sgemm");
    unload();
    return 0;
  }
  void (*set_threads)(int) = (void (*)(int))dlsym(library, "openblas_set_num_threads");
  if (set_threads != NULL) set_threads(1);
  char *(*get_config)(void) = (char *(*)(void))dlsym(library, "openblas_get_config");
  char *(*get_core)(void) = (char *(*)(void))dlsym(library, "openblas_get_corename");
  snprintf(config, sizeof config, "%s", get_config ? get_config() : "OpenBLAS");
  snprintf(core, sizeof core, "%s", get_core ? get_core() : "unknown");
  return 1;
}

void *openblas_sgemm(void) { return sgemm; }
const char *openblas_config(void) { return config; }
const char *openblas_core(void) { return core; }
const char *openblas_error(void) { return error; }
