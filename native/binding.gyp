# The native kernels of the "native" backend, one file per kind (src/). OpenBLAS is loaded at run time (dlopen), so
# no BLAS headers are needed here. scripts/test-sanitized.js builds the same sources under the sanitizers.
{
  "targets": [
    {
      "target_name": "pipeline_native",
      "sources": [
        "src/bindings.c", "src/kernel-args.c", "src/cpu-features.c", "src/blas-library.c", "src/gemm.c", "src/builtin-gemm.c", "src/split-gemm.c", "src/thread-pool.c", "src/conv-geometry.c", "src/conv.c", "src/conv-direct.c", "src/channel-blocks.c", "src/channel-blocks-avx512.c", "src/channel-blocks-avx2.c", "src/channel-blocks-portable.c", "src/conv-max-pool.c", "src/conv-methods.c", "src/scratch.c", "src/winograd.c", "src/winograd-tiles.c", "src/winograd-rows.c",
        "src/mat-mul.c", "src/pooling.c", "src/elementwise.c", "src/dense-forward.c", "src/dense-momentum.c", "src/reduction.c", "src/batch-norm.c", "src/batch-norm-training.c", "src/batch-norm-max-pool.c",
        "src/cross-entropy.c", "src/conv-batch-norm-max-pool.c"
      ],
      # No fused multiply-add contraction: the momentum update must round like tfjs's separate multiply and add.
      "cflags_c": ["-O3", "-std=gnu11", "-ffp-contract=off", "-Wall", "-Wextra"],
      "libraries": ["-ldl", "-lpthread"]
    }
  ]
}
