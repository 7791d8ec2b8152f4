// CPUID-based feature detection, done once. Features count only when the OS also saves their registers (XCR0).
#include "cpu-features.h"
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

static CpuFeatures features;
static int detected;

#if defined(__x86_64__) || defined(__i386__)
static unsigned long long xcr0(void) {
  unsigned int eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((unsigned long long)edx << 32) | eax;
}

static void detect(void) {
  unsigned int a, b, c, d;
  if (!__get_cpuid(0, &a, &b, &c, &d)) return;
  const unsigned int max_leaf = a;
  memcpy(features.vendor, &b, 4);
  memcpy(features.vendor + 4, &d, 4);
  memcpy(features.vendor + 8, &c, 4);
  __get_cpuid(1, &a, &b, &c, &d);
  const unsigned int base_family = (a >> 8) & 0xf, base_model = (a >> 4) & 0xf;
  features.family = (int)(base_family == 0xf ? base_family + ((a >> 20) & 0xff) : base_family);
  features.model = (int)(base_family == 0x6 || base_family == 0xf ? (((a >> 16) & 0xf) << 4) | base_model : base_model);
  const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
  const unsigned long long saved = osxsave ? xcr0() : 0;
  // XMM and YMM state (bits 1, 2); opmask, upper ZMM and high ZMM state (bits 5, 6, 7).
  const int ymm = (saved & 0x6) == 0x6, zmm = ymm && (saved & 0xe0) == 0xe0;
  if (max_leaf >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    const int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1, avx512dq = (b >> 17) & 1, avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
    features.avx2_fma = avx && avx2 && fma && ymm;
    features.avx512 = features.avx2_fma && avx512f && avx512dq && avx512bw && avx512vl && zmm;
    __cpuid_count(7, 1, a, b, c, d);
    features.avx512_bf16 = features.avx512 && ((a >> 5) & 1);
  }
  unsigned int brand[12] = {0};
  __get_cpuid(0x80000000, &a, &b, &c, &d);
  if (a >= 0x80000004) {
    for (unsigned int leaf = 0; leaf < 3; ++leaf) __get_cpuid(0x80000002 + leaf, &brand[4 * leaf], &brand[4 * leaf + 1], &brand[4 * leaf + 2], &brand[4 * leaf + 3]);
    memcpy(features.name, brand, 48);
  }
}
#else
static void detect(void) {}
#endif

const CpuFeatures *cpu_features(void) {
  if (!detected) {
    detect();
    detected = 1;
  }
  return &features;
}

const char *best_openblas_core(void) {
  const CpuFeatures *f = cpu_features();
  return f->avx512_bf16 ? "Cooperlake" : f->avx512 ? "SkylakeX" : f->avx2_fma ? "Haswell" : NULL;
}

int avx512_loops_run(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  return cpu_features()->avx512;
#else
  return 0;
#endif
}
