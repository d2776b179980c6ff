// Shared by the addon's sources: N-API argument readers and the thread helper (parallel.c).
#ifndef STDD_ADDON_H
#define STDD_ADDON_H
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CHECK(call)                                                           \
  if ((call) != napi_ok) {                                                   \
    napi_throw_error(env, NULL, "stdd_gemm: N-API call failed: " #call);     \
    return NULL;                                                             \
  }

static inline bool get_f32(napi_env env, napi_value v, float **data, size_t *length, const char *what) {
  bool is_ta = false;
  napi_typedarray_type type;
  void *ptr = NULL;
  napi_value ab;
  size_t offset;
  char msg[160];
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, v, &type, length, &ptr, &ab, &offset) != napi_ok || type != napi_float32_array) {
    snprintf(msg, sizeof msg, "stdd_gemm: %s must be a Float32Array", what);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  *data = (float *)ptr;
  return true;
}

static inline bool get_i64(napi_env env, napi_value v, int64_t *out, const char *what) {
  char msg[160];
  if (napi_get_value_int64(env, v, out) != napi_ok || *out < 0) {
    snprintf(msg, sizeof msg, "stdd_gemm: %s must be a non-negative integer", what);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  return true;
}

/** Reads exactly `n` arguments into argv, or throws a TypeError saying `usage` and returns false. */
static inline bool get_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv, const char *usage) {
  size_t argc = n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != n) {
    napi_throw_type_error(env, NULL, usage);
    return false;
  }
  return true;
}

#define MAX_THREADS 64

/** The threads one call may use (setThreads; default one per core). */
extern int g_threads;

/** Part `i` of `parts` equal spans of [0, total). */
static inline int64_t span(int64_t total, int parts, int i) { return total * i / parts; }

/**
 * Runs fn(ctx, part) for part = 0 … parts−1, part 0 on the calling thread and the others on
 * short-lived threads (a part whose thread cannot start runs on the caller); returns when all ended.
 */
void run_parallel(int parts, void (*fn)(void *ctx, int part), void *ctx);

/**
 * c (m×n) = op(a) · op(b) for each batch entry, row-major; c starts as zeros, or as `bias` [n] in
 * every row, or (batch 1) as scale[r]·init[r mod init_rows] in row r; gemm.c.
 */
typedef struct {
  bool ta, tb;
  int64_t m, n, k;
  const float *a, *b;
  float *c;
  const float *bias;
  const float *scale, *init;
  int64_t init_rows;
} product;

void run_product(const product *p, int64_t batch);

napi_value attention_forward(napi_env env, napi_callback_info info);
napi_value attention_backward(napi_env env, napi_callback_info info);
napi_value sgemm_row_scaled(napi_env env, napi_callback_info info);
napi_value row_scale_backward(napi_env env, napi_callback_info info);

#endif
