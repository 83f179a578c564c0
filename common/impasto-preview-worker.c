#include "impasto-preview-worker.h"

struct _ImpastoPreviewWorker
{
  ImpastoPreviewRender render;
  ImpastoPreviewDone   done;
  GDestroyNotify       free_result;
  gpointer             data;

  GThread             *thread;
  GMutex               lock;
  GCond                wake;
  /* Under lock: */
  gboolean             has_request;
  ImpastoSettings      request;
  gpointer             request_inputs;
  GDestroyNotify       free_request_inputs;
  guint                latest;      /* generation of the latest request */
  gboolean             running;
  gboolean             quit;
  /* The running render's flag, set by submit/cancel without waiting. */
  gint                 cancel;
};

typedef struct
{
  ImpastoPreviewWorker *worker;
  guint                 generation;
  gpointer              result;
  GError               *error;
} Delivery;

/* Main loop: hand the result over unless a newer request came meanwhile. */
static gboolean
deliver (gpointer data)
{
  Delivery             *d = data;
  ImpastoPreviewWorker *w = d->worker;
  gboolean              current;

  g_mutex_lock (&w->lock);
  current = d->generation == w->latest && !w->quit;
  g_mutex_unlock (&w->lock);
  if (current && w->done)
    {
      w->done (d->result, d->error, w->data);
      d->result = NULL;
    }
  if (d->result && w->free_result)
    w->free_result (d->result);
  g_clear_error (&d->error);
  g_free (d);
  return G_SOURCE_REMOVE;
}

static gpointer
worker_main (gpointer data)
{
  ImpastoPreviewWorker *w = data;

  g_mutex_lock (&w->lock);
  for (;;)
    {
      ImpastoSettings settings;
      gpointer        inputs;
      GDestroyNotify  free_inputs;
      guint           generation;
      Delivery       *d;

      while (!w->has_request && !w->quit)
        g_cond_wait (&w->wake, &w->lock);
      if (w->quit)
        break;
      settings       = w->request;
      inputs         = w->request_inputs;
      free_inputs    = w->free_request_inputs;
      w->request_inputs = NULL;
      generation     = w->latest;
      w->has_request = FALSE;
      w->running     = TRUE;
      g_atomic_int_set (&w->cancel, 0);
      g_mutex_unlock (&w->lock);

      d = g_new0 (Delivery, 1);
      d->worker     = w;
      d->generation = generation;
      d->result     = w->render (&settings, inputs, &w->cancel, &d->error, w->data);
      if (inputs && free_inputs)
        free_inputs (inputs);

      g_mutex_lock (&w->lock);
      w->running = FALSE;
      if (generation == w->latest && !g_atomic_int_get (&w->cancel) && !w->quit)
        {
          g_idle_add (deliver, d);
        }
      else
        {
          if (d->result && w->free_result)
            w->free_result (d->result);
          g_clear_error (&d->error);
          g_free (d);
        }
    }
  g_mutex_unlock (&w->lock);
  return NULL;
}

ImpastoPreviewWorker *
impasto_preview_worker_new (ImpastoPreviewRender render, ImpastoPreviewDone done,
                            GDestroyNotify free_result, gpointer data)
{
  ImpastoPreviewWorker *w = g_new0 (ImpastoPreviewWorker, 1);

  w->render      = render;
  w->done        = done;
  w->free_result = free_result;
  w->data        = data;
  g_mutex_init (&w->lock);
  g_cond_init (&w->wake);
  w->thread = g_thread_new ("impasto-preview", worker_main, w);
  return w;
}

/* Under lock: drops the waiting request's inputs. */
static void
drop_waiting_inputs (ImpastoPreviewWorker *w)
{
  if (w->request_inputs && w->free_request_inputs)
    w->free_request_inputs (w->request_inputs);
  w->request_inputs = NULL;
}

void
impasto_preview_worker_submit (ImpastoPreviewWorker *w, const ImpastoSettings *settings,
                               gpointer inputs, GDestroyNotify free_inputs)
{
  g_mutex_lock (&w->lock);
  drop_waiting_inputs (w);
  w->request     = *settings;
  w->request_inputs = inputs;
  w->free_request_inputs = free_inputs;
  w->has_request = TRUE;
  w->latest++;
  g_atomic_int_set (&w->cancel, 1);  /* the running render is superseded */
  g_cond_signal (&w->wake);
  g_mutex_unlock (&w->lock);
}

void
impasto_preview_worker_cancel (ImpastoPreviewWorker *w)
{
  g_mutex_lock (&w->lock);
  drop_waiting_inputs (w);
  w->has_request = FALSE;
  w->latest++;
  g_atomic_int_set (&w->cancel, 1);
  g_mutex_unlock (&w->lock);
}

gboolean
impasto_preview_worker_busy (ImpastoPreviewWorker *w)
{
  gboolean busy;

  g_mutex_lock (&w->lock);
  busy = w->running || w->has_request;
  g_mutex_unlock (&w->lock);
  return busy;
}

void
impasto_preview_worker_free (ImpastoPreviewWorker *w)
{
  g_mutex_lock (&w->lock);
  w->quit = TRUE;
  drop_waiting_inputs (w);
  w->has_request = FALSE;
  g_atomic_int_set (&w->cancel, 1);
  g_cond_signal (&w->wake);
  g_mutex_unlock (&w->lock);
  g_thread_join (w->thread);
  /* Deliveries already queued see quit and only free their result; they
   * must run before w goes, so drain them here. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->wake);
  g_free (w);
}
