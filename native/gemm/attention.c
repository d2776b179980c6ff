// Fused multi-head attention on the tfjs-wasm heap (main/engine/tf/blas_attention.ts):
//   P = softmax(scale · Q_h · K_hᵀ),  O_h = P · V_h      for every batch entry and head h,
// with q [B, Lq, H·Dh], k and v [B, Lk, H·Dh] and o [B, Lq, H·Dh] in the layout the projections
// produce: head h is the column block [h·Dh, (h+1)·Dh), read and written in place, so no head is
// split out or merged back (four transposes per attention fewer). Rows of q, k, v (and of their
// gradients) are `ld` apart: H·Dh for separate tensors, 3·H·Dh for q|k|v packed side by side in one
// [B, L, 3·H·Dh] tensor (the views then start at columns 0, H·Dh and 2·H·Dh). The output has rows
// H·Dh apart;
// the 1/√Dh scale is the product's alpha, and the softmax runs here on every core. The
// probabilities P [B, H, Lq, Lk] are an output: the backward pass needs them.
//
// Backward, per (batch, head), with dO the gradient of O:
//   dP = dO · Vᵀ,   dS = P ⊙ (dP − rowsum(dP ⊙ P)),
//   dQ = scale · dS · K,   dK = scale · dSᵀ · Q,   dV = Pᵀ · dO.
// Each (batch, head) writes only its own column blocks, so the parts never overlap.
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include "addon.h"

typedef struct {
  int64_t batch, heads, lq, lk, dh, ld;
  float scale;
  const float *q, *k, *v;
  float *probs; // forward: written; backward: read
  float *out;
  const float *dout;
  float *dq, *dk, *dv;
  int parts;
  bool failed; // a part could not allocate its scratch row block
} attention;

// exp(x) for x ≤ 0 up to float rounding (Cephes' expf polynomial): x = n·ln2 + r with |r| ≤ ln2/2,
// e^r by a degree-6 polynomial, 2^n from the exponent bits. Branch-free, so the loops vectorise.
static inline float exp_nonpositive(float x) {
  x = x < -87.0f ? -87.0f : x;
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f; // round to nearest (1.5·2²³ trick)
  const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = ((int32_t)n + 127) << 23;
  float two_n;
  memcpy(&two_n, &bits, sizeof two_n);
  return p * two_n;
}

// Softmax of each of `rows` rows of `cols` values, in place (max-subtracted, as torch.softmax).
__attribute__((target_clones("avx2", "default"))) static void softmax_rows(float *s, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; r++) {
    float *row = s + r * cols;
    float lane[8] = {row[0], row[0], row[0], row[0], row[0], row[0], row[0], row[0]}; // eight running maxima
    int64_t j = 0;
    for (; j + 8 <= cols; j += 8)
      for (int i = 0; i < 8; i++) lane[i] = row[j + i] > lane[i] ? row[j + i] : lane[i];
    float max = lane[0];
    for (int i = 1; i < 8; i++) max = lane[i] > max ? lane[i] : max;
    for (; j < cols; j++) max = row[j] > max ? row[j] : max;
    for (j = 0; j < cols; j++) row[j] = exp_nonpositive(row[j] - max);
    float part[8] = {0, 0, 0, 0, 0, 0, 0, 0}; // eight running sums: a vector add, not one long chain
    for (j = 0; j + 8 <= cols; j += 8)
      for (int i = 0; i < 8; i++) part[i] += row[j + i];
    float sum = 0;
    for (; j < cols; j++) sum += row[j];
    for (int i = 0; i < 8; i++) sum += part[i];
    const float inv = 1.0f / sum;
    for (j = 0; j < cols; j++) row[j] *= inv;
  }
}

// dS = P ⊙ (dP − rowsum(dP ⊙ P)), in place in dp.
__attribute__((target_clones("avx2", "default"))) static void softmax_backward_rows(float *dp, const float *p, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; r++) {
    float *g = dp + r * cols;
    const float *pr = p + r * cols;
    float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t j = 0;
    for (; j + 8 <= cols; j += 8)
      for (int i = 0; i < 8; i++) part[i] += g[j + i] * pr[j + i];
    float dot = 0;
    for (; j < cols; j++) dot += g[j] * pr[j];
    for (int i = 0; i < 8; i++) dot += part[i];
    for (j = 0; j < cols; j++) g[j] = pr[j] * (g[j] - dot);
  }
}

static void forward_part(void *ctx, int part) {
  const attention *a = (const attention *)ctx;
  const int64_t d = a->heads * a->dh, ld = a->ld, tasks = a->batch * a->heads;
  for (int64_t t = span(tasks, a->parts, part); t < span(tasks, a->parts, part + 1); t++) {
    const int64_t b = t / a->heads, h = t % a->heads;
    const float *q = a->q + b * a->lq * ld + h * a->dh, *k = a->k + b * a->lk * ld + h * a->dh, *v = a->v + b * a->lk * ld + h * a->dh;
    float *p = a->probs + t * a->lq * a->lk, *o = a->out + b * a->lq * d + h * a->dh;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)a->lq, (int)a->lk, (int)a->dh, a->scale, q, (int)ld, k, (int)ld, 0.0f, p, (int)a->lk);
    softmax_rows(p, a->lq, a->lk);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)a->lq, (int)a->dh, (int)a->lk, 1.0f, p, (int)a->lk, v, (int)ld, 0.0f, o, (int)d);
  }
}

static void backward_part(void *ctx, int part) {
  attention *a = (attention *)ctx;
  const int64_t d = a->heads * a->dh, ld = a->ld, tasks = a->batch * a->heads;
  float *ds = malloc((size_t)(a->lq * a->lk) * sizeof(float));
  if (!ds) {
    a->failed = true;
    return;
  }
  for (int64_t t = span(tasks, a->parts, part); t < span(tasks, a->parts, part + 1); t++) {
    const int64_t b = t / a->heads, h = t % a->heads;
    const int64_t oq = b * a->lq * ld + h * a->dh, ok = b * a->lk * ld + h * a->dh; // in q/k/v and their gradients
    const float *p = a->probs + t * a->lq * a->lk, *go = a->dout + b * a->lq * d + h * a->dh;
    const int lq = (int)a->lq, lk = (int)a->lk, dh = (int)a->dh, ldi = (int)ld, ldo = (int)d;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, lq, lk, dh, 1.0f, go, ldo, a->v + ok, ldi, 0.0f, ds, lk);
    softmax_backward_rows(ds, p, a->lq, a->lk);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, lq, dh, lk, a->scale, ds, lk, a->k + ok, ldi, 0.0f, a->dq + oq, ldi);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, lk, dh, lq, a->scale, ds, lk, a->q + oq, ldi, 0.0f, a->dk + ok, ldi);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, lk, dh, lq, 1.0f, p, lk, go, ldo, 0.0f, a->dv + ok, ldi);
  }
  free(ds);
}

// Reads (batch, heads, lq, lk, dh, scale, ld) from argv[0..6].
static bool read_dims(napi_env env, napi_value *argv, attention *a) {
  double scale;
  if (!get_i64(env, argv[0], &a->batch, "batch") || !get_i64(env, argv[1], &a->heads, "heads") || !get_i64(env, argv[2], &a->lq, "lq") ||
      !get_i64(env, argv[3], &a->lk, "lk") || !get_i64(env, argv[4], &a->dh, "dh") || !get_i64(env, argv[6], &a->ld, "ld"))
    return false;
  if (a->ld < a->heads * a->dh) {
    napi_throw_range_error(env, NULL, "stdd_gemm: attention row stride ld is less than heads × dh");
    return false;
  }
  if (napi_get_value_double(env, argv[5], &scale) != napi_ok) {
    napi_throw_type_error(env, NULL, "stdd_gemm: scale must be a number");
    return false;
  }
  a->scale = (float)scale;
  if (a->ld > INT32_MAX || a->lq > INT32_MAX || a->lk > INT32_MAX) {
    napi_throw_range_error(env, NULL, "stdd_gemm: an attention dimension exceeds 2^31-1");
    return false;
  }
  const int64_t tasks = a->batch * a->heads;
  a->parts = (int)(tasks < g_threads ? (tasks > 0 ? tasks : 1) : g_threads);
  return true;
}

// Values a [rows, d] operand with rows `ld` apart spans.
static int64_t strided(int64_t rows, int64_t ld, int64_t d) { return rows > 0 ? (rows - 1) * ld + d : 0; }

static bool long_enough(napi_env env, size_t length, int64_t need, const char *what) {
  if ((int64_t)length >= need) return true;
  char msg[160];
  snprintf(msg, sizeof msg, "stdd_gemm: attention operand %s is shorter than its shape (%lld values)", what, (long long)need);
  napi_throw_range_error(env, NULL, msg);
  return false;
}

// Reads q, k, v and probs from argv[7..10] and checks their lengths; nq, nk: the values q and k (v) span.
static bool read_operands(napi_env env, napi_value *argv, attention *a, int64_t *nq, int64_t *nk) {
  float *q, *k, *v;
  size_t lq, lk, lv, lp;
  if (!get_f32(env, argv[7], &q, &lq, "q") || !get_f32(env, argv[8], &k, &lk, "k") || !get_f32(env, argv[9], &v, &lv, "v") || !get_f32(env, argv[10], &a->probs, &lp, "probs"))
    return false;
  const int64_t d = a->heads * a->dh;
  *nq = strided(a->batch * a->lq, a->ld, d);
  *nk = strided(a->batch * a->lk, a->ld, d);
  if (!long_enough(env, lq, *nq, "q") || !long_enough(env, lk, *nk, "k") || !long_enough(env, lv, *nk, "v") || !long_enough(env, lp, a->batch * a->heads * a->lq * a->lk, "probs"))
    return false;
  a->q = q;
  a->k = k;
  a->v = v;
  return true;
}

// attentionForward(batch, heads, lq, lk, dh, scale, ld, q, k, v, probs, out)
napi_value attention_forward(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!get_args(env, info, 12, argv, "stdd_gemm.attentionForward(batch, heads, lq, lk, dh, scale, ld, q, k, v, probs, out) takes 12 arguments")) return NULL;
  attention a = {0};
  int64_t nq, nk;
  size_t lo;
  if (!read_dims(env, argv, &a) || !read_operands(env, argv, &a, &nq, &nk) || !get_f32(env, argv[11], &a.out, &lo, "out")) return NULL;
  const int64_t d = a.heads * a.dh;
  if (!long_enough(env, lo, a.batch * a.lq * d, "out")) return NULL;
  if (a.batch * a.heads * a.lq * a.lk * a.dh == 0) { // nothing to attend to, or to: zeros
    memset(a.probs, 0, (size_t)(a.batch * a.heads * a.lq * a.lk) * sizeof(float));
    memset(a.out, 0, (size_t)(a.batch * a.lq * d) * sizeof(float));
    return NULL;
  }
  run_parallel(a.parts, forward_part, &a);
  return NULL;
}

// attentionBackward(batch, heads, lq, lk, dh, scale, ld, q, k, v, probs, dout, dq, dk, dv): dq, dk, dv with rows ld apart, as q, k, v
napi_value attention_backward(napi_env env, napi_callback_info info) {
  napi_value argv[15];
  if (!get_args(env, info, 15, argv, "stdd_gemm.attentionBackward(batch, heads, lq, lk, dh, scale, ld, q, k, v, probs, dout, dq, dk, dv) takes 15 arguments")) return NULL;
  attention a = {0};
  int64_t nq, nk;
  float *dout;
  size_t ldo, ldq, ldk, ldv;
  if (!read_dims(env, argv, &a) || !read_operands(env, argv, &a, &nq, &nk) || !get_f32(env, argv[11], &dout, &ldo, "dout") || !get_f32(env, argv[12], &a.dq, &ldq, "dq") ||
      !get_f32(env, argv[13], &a.dk, &ldk, "dk") || !get_f32(env, argv[14], &a.dv, &ldv, "dv"))
    return NULL;
  if (!long_enough(env, ldo, a.batch * a.lq * a.heads * a.dh, "dout") || !long_enough(env, ldq, nq, "dq") || !long_enough(env, ldk, nk, "dk") || !long_enough(env, ldv, nk, "dv")) return NULL;
  a.dout = dout;
  if (a.batch * a.heads * a.lq * a.lk * a.dh == 0) {
    memset(a.dq, 0, (size_t)nq * sizeof(float));
    memset(a.dk, 0, (size_t)nk * sizeof(float));
    memset(a.dv, 0, (size_t)nk * sizeof(float));
    return NULL;
  }
  run_parallel(a.parts, backward_part, &a);
  if (a.failed) napi_throw_error(env, NULL, "stdd_gemm: attentionBackward: out of memory for a score block");
  return NULL;
}
