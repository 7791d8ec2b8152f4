// How conv2D and its gradients run for a geometry, as the kernels choose: conv2DMethods for the bench's accounting of
// matrix products and for the fused kernels that take only some methods.
#include "conv-direct.h"
#include "kernels.h"
#include "winograd.h"

static napi_value method_of(napi_env env, const Conv *c, int backprop_input) {
  const int winograd = backprop_input ? winograd_fits_backprop_input(c) : winograd_fits(c);
  const int direct = !backprop_input && conv_direct_fits(c);
  napi_value result, value;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, direct ? "direct" : winograd ? "winograd" : "patches", NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, result, "method", value);
  if (winograd) {
    const WinogradCut cut = winograd_cut(c, backprop_input);
    napi_create_int64(env, cut.taps, &value);
    napi_set_named_property(env, result, "taps", value);
    napi_create_int64(env, cut.tiles_per_image, &value);
    napi_set_named_property(env, result, "tilesPerImage", value);
    napi_create_int64(env, cut.images_per_chunk, &value);
    napi_set_named_property(env, result, "imagesPerChunk", value);
  }
  return result;
}

// conv2DMethods(geometry): how conv2D and its filter gradient ("forward"), and its input gradient, run for this
// geometry: {method: "direct"} (forward only), {method: "winograd", taps, tilesPerImage, imagesPerChunk} or
// {method: "patches"}.
napi_value conv2d_methods(napi_env env, napi_callback_info info) {
  Args args = {.env = env};
  Conv c;
  args.argc = 1;
  napi_get_cb_info(env, info, &args.argc, args.argv, NULL, NULL);
  if (args.argc != 1) return fail(&args, "conv2DMethods takes a geometry"), NULL;
  if (!read_conv_shape(&args, object_arg(&args, 0), &c)) return NULL;
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "forward", method_of(env, &c, 0));
  napi_set_named_property(env, result, "inputGradient", method_of(env, &c, 1));
  return result;
}
