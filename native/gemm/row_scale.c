// A row-scaled sum and a product in one pass over c (main/engine/tf/row_scaled_product.ts):
//   c[r, :] = scale[r] · init[r mod rows, :] + a[r, :] · bᵀ          (a [m, k], b [n, k], init [rows, n])
// where m is a multiple of rows: the STCA branch's projections of S mixing scales at once,
// a ⊙ P_m + F·Wᵀ (branch_projections.ts), P_m shared by the scales. Backward of the row-scaled part:
//   dscale[r] = dc[r, :] · init[r mod rows, :],   dinit[i, :] = Σ_s scale[s·rows + i] · dc[s·rows + i, :]
// (the product's own gradients are plain products, done by the caller).
#include <string.h>
#include "addon.h"

// sgemmRowScaled(m, n, k, a, b, c, scale, init, rows)
napi_value sgemm_row_scaled(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!get_args(env, info, 9, argv, "stdd_gemm.sgemmRowScaled(m, n, k, a, b, c, scale, init, rows) takes 9 arguments")) return NULL;
  int64_t m, n, k, rows;
  if (!get_i64(env, argv[0], &m, "m") || !get_i64(env, argv[1], &n, "n") || !get_i64(env, argv[2], &k, "k") || !get_i64(env, argv[8], &rows, "rows")) return NULL;
  float *a, *b, *c, *scale, *init;
  size_t la, lb, lc, ls, li;
  if (!get_f32(env, argv[3], &a, &la, "a") || !get_f32(env, argv[4], &b, &lb, "b") || !get_f32(env, argv[5], &c, &lc, "c") || !get_f32(env, argv[6], &scale, &ls, "scale") ||
      !get_f32(env, argv[7], &init, &li, "init"))
    return NULL;
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX || rows < 1 || m % rows != 0) {
    napi_throw_range_error(env, NULL, "stdd_gemm: sgemmRowScaled needs dimensions below 2^31 and m a multiple of rows");
    return NULL;
  }
  if ((int64_t)la < m * k || (int64_t)lb < n * k || (int64_t)lc < m * n || (int64_t)ls < m || (int64_t)li < rows * n) {
    napi_throw_range_error(env, NULL, "stdd_gemm: sgemmRowScaled: an operand is shorter than its shape");
    return NULL;
  }
  if (m == 0 || n == 0) return NULL;
  const product p = {false, true, m, n, k, a, b, c, NULL, scale, init, rows};
  run_product(&p, 1);
  return NULL;
}

typedef struct {
  int64_t scales, rows, n;
  const float *scale, *init, *dc;
  float *dinit, *dscale;
  int parts;
} row_scale_grad;

// Σ x·y with eight running sums (a vector multiply-add, not one long chain).
__attribute__((target_clones("avx2", "default"))) static float dot(const float *x, const float *y, int64_t n) {
  float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= n; j += 8)
    for (int i = 0; i < 8; i++) part[i] += x[j + i] * y[j + i];
  float sum = 0;
  for (; j < n; j++) sum += x[j] * y[j];
  for (int i = 0; i < 8; i++) sum += part[i];
  return sum;
}

static void backward_part(void *ctx, int part) {
  const row_scale_grad *g = (const row_scale_grad *)ctx;
  const int64_t n = g->n;
  for (int64_t i = span(g->rows, g->parts, part); i < span(g->rows, g->parts, part + 1); i++) {
    const float *p = g->init + i * n;
    float *dp = g->dinit + i * n;
    memset(dp, 0, (size_t)n * sizeof(float));
    for (int64_t s = 0; s < g->scales; s++) {
      const int64_t r = s * g->rows + i;
      const float *d = g->dc + r * n, a = g->scale[r];
      for (int64_t j = 0; j < n; j++) dp[j] += a * d[j];
      g->dscale[r] = dot(d, p, n);
    }
  }
}

// rowScaleBackward(scales, rows, n, scale, init, dc, dinit, dscale)
napi_value row_scale_backward(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!get_args(env, info, 8, argv, "stdd_gemm.rowScaleBackward(scales, rows, n, scale, init, dc, dinit, dscale) takes 8 arguments")) return NULL;
  row_scale_grad g = {0};
  size_t ls, li, ld, ldi, lds;
  float *scale, *init, *dc;
  if (!get_i64(env, argv[0], &g.scales, "scales") || !get_i64(env, argv[1], &g.rows, "rows") || !get_i64(env, argv[2], &g.n, "n") ||
      !get_f32(env, argv[3], &scale, &ls, "scale") || !get_f32(env, argv[4], &init, &li, "init") || !get_f32(env, argv[5], &dc, &ld, "dc") ||
      !get_f32(env, argv[6], &g.dinit, &ldi, "dinit") || !get_f32(env, argv[7], &g.dscale, &lds, "dscale"))
    return NULL;
  const int64_t m = g.scales * g.rows;
  if ((int64_t)ls < m || (int64_t)li < g.rows * g.n || (int64_t)ld < m * g.n || (int64_t)ldi < g.rows * g.n || (int64_t)lds < m) {
    napi_throw_range_error(env, NULL, "stdd_gemm: rowScaleBackward: an operand is shorter than its shape");
    return NULL;
  }
  g.scale = scale;
  g.init = init;
  g.dc = dc;
  g.parts = (int)(g.rows < g_threads ? (g.rows > 0 ? g.rows : 1) : g_threads);
  run_parallel(g.parts, backward_part, &g);
  return NULL;
}
