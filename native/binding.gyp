# The native kernels of the "native" backend. OpenBLAS is loaded at run time (dlopen), so no BLAS headers are needed here.
{
  "targets": [
    {
      "target_name": "pipeline_native",
      "sources": ["kernels.c"],
      # No fused multiply-add contraction: the momentum update must round like tfjs's separate multiply and add.
      "cflags_c": ["-O3", "-std=gnu11", "-ffp-contract=off", "-Wall", "-Wextra"],
      "libraries": ["-ldl"]
    }
  ]
}
