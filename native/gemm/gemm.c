// stdd_gemm: a synchronous N-API binding to the system BLAS's cblas_sgemm (OpenBLAS on Debian),
// used by main/engine/tf/gemm.ts to run tfjs-wasm matrix products in place on the WASM heap.
// Node-API only (no V8/Node internals), so the same binary loads in Node and in Electron.
//
// Threads: OpenBLAS's own thread pool deadlocks when another thread of the process forks (libuv
// spawning ffmpeg from the clip worker thread) while a product runs on the pool, because its
// pthread_atfork handler shuts the pool down and waits for it. So OpenBLAS runs single-threaded
// (OPENBLAS_NUM_THREADS=1, set by gemm_addon.ts before loading, and openblas_set_num_threads(1)
// here), and this addon splits each product over its own short-lived threads instead; nothing of
// OpenBLAS is then in flight on a pool when a fork happens. The fused attention is attention.c.
#include <cblas.h>
#include <unistd.h>
#include "addon.h"

// OpenBLAS extensions (declared in OpenBLAS's cblas.h; redeclared so the reference cblas.h also compiles).
extern char *openblas_get_config(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));
extern void openblas_set_num_threads(int) __attribute__((weak));

// Below this many multiply-adds a product runs on the calling thread (a thread start costs ~30 µs).
#define MIN_WORK_PER_THREAD (1 << 20)

// One piece of work: batch entries [b0, b1), and within each, rows [r0, r1) and columns [c0, c1) of c.
typedef struct {
  const product *p;
  int64_t b0, b1, r0, r1, c0, c1;
} piece;

static void run_piece(const piece *w) {
  const product *p = w->p;
  const int64_t m = p->m, n = p->n, k = p->k, sa = m * k, sb = k * n, sc = m * n;
  const int64_t rows = w->r1 - w->r0, cols = w->c1 - w->c0;
  if (rows <= 0 || cols <= 0) return;
  const int lda = p->ta ? (int)m : (int)k, ldb = p->tb ? (int)k : (int)n;
  for (int64_t i = w->b0; i < w->b1; i++) {
    float *ci = p->c + i * sc + w->r0 * n + w->c0;
    // With a bias, c starts as the bias in every row, with a row-scaled init as scale[r]·init[r mod
    // init_rows], and the product is added to it (beta = 1).
    const bool starts = p->bias || p->init;
    for (int64_t r = 0; r < rows && (starts || k == 0); r++) {
      float *cr = ci + r * n;
      if (p->init) {
        const int64_t row = w->r0 + r;
        const float s = p->scale[row], *src = p->init + (row % p->init_rows) * n + w->c0;
        for (int64_t j = 0; j < cols; j++) cr[j] = s * src[j];
      } else
        for (int64_t j = 0; j < cols; j++) cr[j] = p->bias ? p->bias[w->c0 + j] : 0.0f;
    }
    if (k == 0) continue;
    // rows r0.. of op(a): row r of a (k wide) untransposed, column r of a (m wide) transposed
    const float *ai = p->a + i * sa + (p->ta ? w->r0 : w->r0 * k);
    // columns c0.. of op(b): column c of b (n wide) untransposed, row c of b (k wide) transposed
    const float *bi = p->b + i * sb + (p->tb ? w->c0 * k : w->c0);
    cblas_sgemm(CblasRowMajor, p->ta ? CblasTrans : CblasNoTrans, p->tb ? CblasTrans : CblasNoTrans, (int)rows, (int)cols, (int)k, 1.0f,
                ai, lda, bi, ldb, starts ? 1.0f : 0.0f, ci, (int)n);
  }
}

static void piece_part(void *ctx, int part) { run_piece((const piece *)ctx + part); }

// Splits the product over up to g_threads threads: over the batch when it has enough entries,
// else over the larger of the rows and columns of c. The calling thread computes the first piece.
void run_product(const product *p, int64_t batch) {
  const double work = (double)batch * (double)p->m * (double)p->n * (double)(p->k > 0 ? p->k : 1);
  int threads = g_threads;
  if (work / MIN_WORK_PER_THREAD < threads) threads = (int)(work / MIN_WORK_PER_THREAD);
  if (threads < 1) threads = 1;
  piece pieces[MAX_THREADS];
  const bool by_batch = batch >= threads;
  const bool by_rows = p->m >= p->n;
  const int64_t along = by_batch ? batch : by_rows ? p->m : p->n;
  if (along < threads) threads = along > 0 ? (int)along : 1;
  for (int t = 0; t < threads; t++) {
    const int64_t lo = span(along, threads, t), hi = span(along, threads, t + 1);
    piece w = {p, 0, batch, 0, p->m, 0, p->n};
    if (by_batch) { w.b0 = lo; w.b1 = hi; }
    else if (by_rows) { w.r0 = lo; w.r1 = hi; }
    else { w.c0 = lo; w.c1 = hi; }
    pieces[t] = w;
  }
  run_parallel(threads, piece_part, pieces);
}

// sgemm(transposeA, transposeB, batch, m, n, k, a, b, c[, bias]): for every batch entry i,
// c[i] (m×n) = op(a[i]) · op(b[i]) (+ bias, length n, added to every row), row-major, op(a) m×k,
// op(b) k×n; a[i] is stored k×m when transposed.
static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 9 && argc != 10) {
    napi_throw_type_error(env, NULL, "stdd_gemm.sgemm(transposeA, transposeB, batch, m, n, k, a, b, c[, bias]) takes 9 or 10 arguments");
    return NULL;
  }
  bool ta, tb;
  CHECK(napi_get_value_bool(env, argv[0], &ta));
  CHECK(napi_get_value_bool(env, argv[1], &tb));
  int64_t batch, m, n, k;
  if (!get_i64(env, argv[2], &batch, "batch") || !get_i64(env, argv[3], &m, "m") || !get_i64(env, argv[4], &n, "n") || !get_i64(env, argv[5], &k, "k")) return NULL;
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    napi_throw_range_error(env, NULL, "stdd_gemm: a matrix dimension exceeds 2^31-1");
    return NULL;
  }
  float *a, *b, *c;
  size_t la, lb, lc;
  if (!get_f32(env, argv[6], &a, &la, "a") || !get_f32(env, argv[7], &b, &lb, "b") || !get_f32(env, argv[8], &c, &lc, "c")) return NULL;
  float *bias = NULL;
  size_t lbias = 0;
  if (argc == 10 && !get_f32(env, argv[9], &bias, &lbias, "bias")) return NULL;
  if (bias && (int64_t)lbias < n) {
    napi_throw_range_error(env, NULL, "stdd_gemm: bias is shorter than n");
    return NULL;
  }
  const int64_t sa = m * k, sb = k * n, sc = m * n;
  if ((int64_t)la < batch * sa || (int64_t)lb < batch * sb || (int64_t)lc < batch * sc) {
    napi_throw_range_error(env, NULL, "stdd_gemm: an operand is shorter than batch × rows × columns");
    return NULL;
  }
  if (m == 0 || n == 0) return NULL;
  const product p = {ta, tb, m, n, k, a, b, c, bias, NULL, NULL, 0};
  run_product(&p, batch);
  return NULL;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t t;
  if (argc != 1 || !get_i64(env, argv[0], &t, "threads")) return NULL;
  g_threads = t < 1 ? 1 : t > MAX_THREADS ? MAX_THREADS : (int)t;
  return NULL;
}

static napi_value describe(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out, v;
  CHECK(napi_create_object(env, &out));
  const char *config = openblas_get_config ? openblas_get_config() : "not OpenBLAS (no openblas_get_config)";
  const char *core = openblas_get_corename ? openblas_get_corename() : "unknown";
  int threads = g_threads;
  CHECK(napi_create_string_utf8(env, config, NAPI_AUTO_LENGTH, &v));
  CHECK(napi_set_named_property(env, out, "config", v));
  CHECK(napi_create_string_utf8(env, core, NAPI_AUTO_LENGTH, &v));
  CHECK(napi_set_named_property(env, out, "core", v));
  CHECK(napi_create_int32(env, threads, &v));
  CHECK(napi_set_named_property(env, out, "threads", v));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  if (openblas_set_num_threads) openblas_set_num_threads(1);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  g_threads = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (int)cores;
  napi_property_descriptor props[] = {
      {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"describe", NULL, describe, NULL, NULL, NULL, napi_default, NULL},
      {"attentionForward", NULL, attention_forward, NULL, NULL, NULL, napi_default, NULL},
      {"attentionBackward", NULL, attention_backward, NULL, NULL, NULL, napi_default, NULL},
      {"sgemmRowScaled", NULL, sgemm_row_scaled, NULL, NULL, NULL, napi_default, NULL},
      {"rowScaleBackward", NULL, row_scale_backward, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(stdd_gemm, init)
