// The addon's threads: short-lived, one per part of a call (see gemm.c on why not a pool).
#include <pthread.h>
#include "addon.h"

int g_threads = 1;

typedef struct {
  void (*fn)(void *ctx, int part);
  void *ctx;
  int part;
} task;

static void *task_thread(void *arg) {
  const task *t = (const task *)arg;
  t->fn(t->ctx, t->part);
  return NULL;
}

void run_parallel(int parts, void (*fn)(void *ctx, int part), void *ctx) {
  if (parts > MAX_THREADS) parts = MAX_THREADS;
  task tasks[MAX_THREADS];
  pthread_t ids[MAX_THREADS];
  bool started[MAX_THREADS] = {false};
  for (int i = 1; i < parts; i++) {
    tasks[i] = (task){fn, ctx, i};
    started[i] = pthread_create(&ids[i], NULL, task_thread, &tasks[i]) == 0;
  }
  fn(ctx, 0);
  for (int i = 1; i < parts; i++) {
    if (started[i]) pthread_join(ids[i], NULL);
    else fn(ctx, i); // no thread could be started: compute it here
  }
}
