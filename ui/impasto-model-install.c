#include "impasto-config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <gegl.h>
#include <gtk/gtk.h>
#include <libgimpbase/gimpbase.h>
#include <libgimpcolor/gimpcolor.h>
#include <libgimpwidgets/gimpwidgets.h>

#include "impasto-model-download.h"
#include "impasto-model-install.h"
#include "impasto-models.h"

#define THUMB_SIZE 64

enum { COL_THUMB, COL_TEXT, COL_NAME, COL_DISPLAY, N_COLS };

typedef struct
{
  GtkWidget          *box, *message;
  ImpastoModelCheck   check;
  gpointer            check_data;
  ImpastoModelArrived arrived;
  gpointer            data;
  /* The download window, while it is open. */
  GtkWidget          *window, *list, *bar, *status;
  GtkListStore       *store;
  GCancellable       *cancellable;   /* a download is running */
  gchar              *downloading;   /* its display name */
  gchar              *downloading_name;
  gboolean            orphaned;      /* the buttons are gone; the download is ending */
  gchar              *last_said;     /* for tests */
} Install;

static Install *
install_of (GtkWidget *box)
{
  return g_object_get_data (G_OBJECT (box), "impasto-install");
}

static void
remember_said (Install *in, const gchar *text)
{
  g_free (in->last_said);
  in->last_said = g_strdup (text ? text : "");
}

static void
say (Install *in, const gchar *text)
{
  remember_said (in, text);
  gtk_label_set_text (GTK_LABEL (in->message), text ? text : "");
  gtk_widget_set_visible (in->message, text != NULL);
}

const gchar *
impasto_model_install_message (GtkWidget *box)
{
  Install *in = install_of (box);

  return in->last_said ? in->last_said : "";
}

gboolean
impasto_model_install_busy (GtkWidget *box)
{
  return install_of (box)->cancellable != NULL;
}

/* ---- Add model… ------------------------------------------------------------ */

static void
busy (GtkWidget *widget, gboolean on)
{
  GdkWindow *window = gtk_widget_get_window (gtk_widget_get_toplevel (widget));
  GdkCursor *cursor = on ? gdk_cursor_new (GDK_WATCH) : NULL;

  if (window)
    gdk_window_set_cursor (window, cursor);
  if (cursor)
    gdk_cursor_unref (cursor);
  gdk_flush ();
}

void
impasto_model_install_add (GtkWidget *box, const gchar *chosen)
{
  Install *in = install_of (box);
  GError  *error = NULL;
  gchar   *root, *name = NULL, *text;

  root = impasto_model_root (chosen, &error);
  busy (box, TRUE);
  if (root && (!in->check || in->check (root, &error, in->check_data)))
    name = impasto_model_add (root, &error);
  busy (box, FALSE);
  if (name)
    {
      gchar *folder = impasto_user_model_dir ();

      text = g_strdup_printf (_("Added “%s” to your models (%s)."), name, folder);
      g_free (folder);
      in->arrived (name, in->data);
    }
  else
    text = g_strdup_printf (_("Nothing was added: %s"), error->message);
  say (in, text);
  g_free (text);
  g_clear_error (&error);
  g_free (name);
  g_free (root);
}

static void
add_clicked (GtkButton *button, Install *in)
{
  GtkWidget     *chooser;
  GtkFileFilter *filter;

  chooser = gtk_file_chooser_dialog_new (_("Add a Style Model"),
                                         GTK_WINDOW (gtk_widget_get_toplevel (in->box)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         GTK_STOCK_CANCEL, GTK_RESPONSE_CANCEL,
                                         GTK_STOCK_ADD, GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_alternative_button_order (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT, GTK_RESPONSE_CANCEL, -1);
  gtk_dialog_set_default_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Style models (manifest.json, .pth, .pt)"));
  gtk_file_filter_add_pattern (filter, "manifest.json");
  gtk_file_filter_add_pattern (filter, "*.pth");
  gtk_file_filter_add_pattern (filter, "*.pt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("All files"));
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (gtk_dialog_run (GTK_DIALOG (chooser)) == GTK_RESPONSE_ACCEPT)
    {
      gchar *file = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));

      gtk_widget_destroy (chooser);
      if (file)
        impasto_model_install_add (in->box, file);
      g_free (file);
      return;
    }
  gtk_widget_destroy (chooser);
}

/* ---- Download… ------------------------------------------------------------- */

static gchar *
selected_name (Install *in, gchar **display)
{
  GtkTreeModel *model;
  GtkTreeIter   iter;
  gchar        *name = NULL;

  if (gtk_tree_selection_get_selected (gtk_tree_view_get_selection (GTK_TREE_VIEW (in->list)), &model, &iter))
    gtk_tree_model_get (model, &iter, COL_NAME, &name, COL_DISPLAY, display, -1);
  return name;
}

static void
set_running (Install *in, gboolean running)
{
  gtk_widget_set_sensitive (in->list, !running);
  gtk_dialog_set_response_sensitive (GTK_DIALOG (in->window), GTK_RESPONSE_ACCEPT, !running);
  gtk_widget_set_visible (in->bar, running);
}

static void install_free (gpointer data);

static void
download_progress (gdouble fraction, gpointer data)
{
  Install *in = data;
  gchar   *text;

  if (!in->window)  /* closed with its dialog; the download is stopping */
    return;
  text = g_strdup_printf (_("%d %%"), (gint) (fraction * 100 + 0.5));

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (in->bar), fraction);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (in->bar), text);
  g_free (text);
}

static void
download_done (const GError *error, gpointer data)
{
  Install *in = data;
  gchar   *name = g_steal_pointer (&in->downloading_name);

  g_clear_object (&in->cancellable);
  if (in->orphaned)
    {
      g_free (name);
      install_free (in);
      return;
    }
  if (!error)
    {
      gchar *text = g_strdup_printf (_("Downloaded “%s”."), in->downloading);

      gtk_widget_destroy (in->window);
      say (in, text);
      g_free (text);
      in->arrived (name, in->data);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_widget_destroy (in->window);
      say (in, error->message);
    }
  else
    {
      set_running (in, FALSE);
      remember_said (in, error->message);
      gtk_label_set_text (GTK_LABEL (in->status), error->message);
      gtk_widget_show (in->status);
    }
  g_clear_pointer (&in->downloading, g_free);
  g_free (name);
}

static void
start_download (Install *in)
{
  gchar *display = NULL, *name = selected_name (in, &display);

  if (!name)
    return;
  g_free (in->downloading);
  in->downloading = display;
  gtk_widget_hide (in->status);
  set_running (in, TRUE);
  download_progress (0.0, in);
  g_free (in->downloading_name);
  in->downloading_name = name;
  in->cancellable = g_cancellable_new ();
  impasto_model_download (name, in->cancellable, download_progress, download_done, in);
}

static void
window_response (GtkDialog *window, gint response, Install *in)
{
  if (response == GTK_RESPONSE_ACCEPT)
    start_download (in);
  else if (in->cancellable)
    g_cancellable_cancel (in->cancellable);  /* download_done closes the window */
  else
    gtk_widget_destroy (GTK_WIDGET (window));
}

static gboolean
window_delete (GtkWidget *window, GdkEvent *event, Install *in)
{
  window_response (GTK_DIALOG (window), GTK_RESPONSE_CANCEL, in);
  return TRUE;
}

static void
window_destroyed (GtkWidget *window, Install *in)
{
  in->window = in->list = in->bar = in->status = NULL;
  g_clear_object (&in->store);
}

static GtkWidget *
downloadable_list (Install *in)
{
  GList             *styles = impasto_list_downloadable (), *l;
  GtkTreeViewColumn *column;
  GtkCellRenderer   *cell;
  GtkWidget         *view;

  in->store = gtk_list_store_new (N_COLS, GDK_TYPE_PIXBUF, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  for (l = styles; l; l = l->next)
    {
      const ImpastoModelInfo *m = l->data;
      GdkPixbuf              *thumb = m->thumbnail ?
        gdk_pixbuf_new_from_file_at_scale (m->thumbnail, THUMB_SIZE, THUMB_SIZE, TRUE, NULL) : NULL;
      gchar                  *text = g_markup_printf_escaped ("%s\n<small>%s\n%s</small>", m->display_name,
                                                              m->description, m->licence);
      GtkTreeIter             iter;

      gtk_list_store_append (in->store, &iter);
      gtk_list_store_set (in->store, &iter, COL_THUMB, thumb, COL_TEXT, text, COL_NAME, m->name,
                          COL_DISPLAY, m->display_name, -1);
      if (thumb)
        g_object_unref (thumb);
      g_free (text);
    }
  impasto_model_list_free (styles);
  view = gtk_tree_view_new_with_model (GTK_TREE_MODEL (in->store));
  gtk_tree_view_set_headers_visible (GTK_TREE_VIEW (view), FALSE);
  column = gtk_tree_view_column_new ();
  cell = gtk_cell_renderer_pixbuf_new ();
  gtk_cell_renderer_set_fixed_size (cell, THUMB_SIZE + 4, THUMB_SIZE + 4);
  gtk_tree_view_column_pack_start (column, cell, FALSE);
  gtk_tree_view_column_add_attribute (column, cell, "pixbuf", COL_THUMB);
  cell = gtk_cell_renderer_text_new ();
  g_object_set (cell, "wrap-mode", PANGO_WRAP_WORD, "wrap-width", 380, NULL);
  gtk_tree_view_column_pack_start (column, cell, TRUE);
  gtk_tree_view_column_add_attribute (column, cell, "markup", COL_TEXT);
  gtk_tree_view_append_column (GTK_TREE_VIEW (view), column);
  return view;
}

static void
open_window (Install *in)
{
  GtkWidget *vbox, *scrolled, *label;
  gchar     *folder, *text;

  in->window = gtk_dialog_new_with_buttons (_("Download Styles"), GTK_WINDOW (gtk_widget_get_toplevel (in->box)),
                                            GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                            GTK_STOCK_CANCEL, GTK_RESPONSE_CANCEL,
                                            _("_Download"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_alternative_button_order (GTK_DIALOG (in->window), GTK_RESPONSE_ACCEPT, GTK_RESPONSE_CANCEL, -1);
  gtk_dialog_set_default_response (GTK_DIALOG (in->window), GTK_RESPONSE_ACCEPT);
  vbox = gtk_vbox_new (FALSE, 8);
  gtk_container_set_border_width (GTK_CONTAINER (vbox), 12);
  gtk_box_pack_start (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (in->window))), vbox, TRUE, TRUE, 0);

  in->list = downloadable_list (in);
  if (gtk_tree_model_iter_n_children (GTK_TREE_MODEL (in->store), NULL) > 0)
    {
      GtkTreeIter first;

      gtk_tree_model_get_iter_first (GTK_TREE_MODEL (in->store), &first);
      gtk_tree_selection_select_iter (gtk_tree_view_get_selection (GTK_TREE_VIEW (in->list)), &first);
      folder = impasto_user_model_dir ();
      text = g_strdup_printf (_("Each file is checked against its published SHA-256 checksum before the style "
                                "is installed into %s."), folder);
      g_free (folder);
    }
  else
    {
      text = g_strdup (_("Every style Impasto knows of is already installed."));
      gtk_dialog_set_response_sensitive (GTK_DIALOG (in->window), GTK_RESPONSE_ACCEPT, FALSE);
    }
  scrolled = gtk_scrolled_window_new (NULL, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_shadow_type (GTK_SCROLLED_WINDOW (scrolled), GTK_SHADOW_IN);
  gtk_widget_set_size_request (scrolled, 480, 360);
  gtk_container_add (GTK_CONTAINER (scrolled), in->list);
  gtk_box_pack_start (GTK_BOX (vbox), scrolled, TRUE, TRUE, 0);
  label = gtk_label_new (text);
  g_free (text);
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);
  gimp_label_set_attributes (GTK_LABEL (label), PANGO_ATTR_SCALE, PANGO_SCALE_SMALL, -1);
  gtk_box_pack_start (GTK_BOX (vbox), label, FALSE, FALSE, 0);
  in->bar = gtk_progress_bar_new ();
  gtk_widget_set_no_show_all (in->bar, TRUE);
  gtk_box_pack_start (GTK_BOX (vbox), in->bar, FALSE, FALSE, 0);
  in->status = gtk_label_new (NULL);
  gtk_label_set_line_wrap (GTK_LABEL (in->status), TRUE);
  gtk_label_set_selectable (GTK_LABEL (in->status), TRUE);
  gtk_misc_set_alignment (GTK_MISC (in->status), 0.0, 0.5);
  gtk_widget_set_size_request (in->status, 480, -1);
  gtk_widget_set_no_show_all (in->status, TRUE);
  gtk_box_pack_start (GTK_BOX (vbox), in->status, FALSE, FALSE, 0);

  g_signal_connect (in->window, "response", G_CALLBACK (window_response), in);
  g_signal_connect (in->window, "delete-event", G_CALLBACK (window_delete), in);
  g_signal_connect (in->window, "destroy", G_CALLBACK (window_destroyed), in);
  gtk_widget_show_all (in->window);
}

void
impasto_model_install_download (GtkWidget *box, const gchar *name)
{
  Install     *in = install_of (box);
  GtkTreeIter  iter;
  gboolean     valid;

  if (!in->window)
    open_window (in);
  for (valid = gtk_tree_model_get_iter_first (GTK_TREE_MODEL (in->store), &iter); valid;
       valid = gtk_tree_model_iter_next (GTK_TREE_MODEL (in->store), &iter))
    {
      gchar   *row;
      gboolean same;

      gtk_tree_model_get (GTK_TREE_MODEL (in->store), &iter, COL_NAME, &row, -1);
      same = !g_strcmp0 (row, name);
      g_free (row);
      if (same)
        {
          gtk_tree_selection_select_iter (gtk_tree_view_get_selection (GTK_TREE_VIEW (in->list)), &iter);
          start_download (in);
          return;
        }
    }
}

static void
download_clicked (GtkButton *button, Install *in)
{
  if (!in->window)
    open_window (in);
  gtk_window_present (GTK_WINDOW (in->window));
}

/* ---- the buttons ----------------------------------------------------------- */

static void
install_free (gpointer data)
{
  Install *in = data;

  if (in->window)
    gtk_widget_destroy (in->window);
  if (in->cancellable)
    {
      /* download_done comes once the program has stopped, and frees. */
      in->orphaned = TRUE;
      g_cancellable_cancel (in->cancellable);
      return;
    }
  g_free (in->downloading);
  g_free (in->downloading_name);
  g_free (in->last_said);
  g_free (in);
}

GtkWidget *
impasto_model_install_new (ImpastoModelCheck   check,
                           gpointer            check_data,
                           ImpastoModelArrived arrived,
                           gpointer            data)
{
  Install   *in = g_new0 (Install, 1);
  GtkWidget *buttons = gtk_hbox_new (FALSE, 6);
  GtkWidget *add = gtk_button_new_with_mnemonic (_("A_dd model…"));
  GtkWidget *download = gtk_button_new_with_mnemonic (_("Do_wnload…"));

  in->check      = check;
  in->check_data = check_data;
  in->arrived    = arrived;
  in->data       = data;
  in->box        = gtk_vbox_new (FALSE, 4);
  gimp_help_set_help_data (add, _("Copy a style model from a file or folder on this computer into your models"), NULL);
  gimp_help_set_help_data (download, _("Choose styles to download from the internet; every file's checksum is verified"), NULL);
  g_signal_connect (add, "clicked", G_CALLBACK (add_clicked), in);
  g_signal_connect (download, "clicked", G_CALLBACK (download_clicked), in);
  gtk_box_pack_start (GTK_BOX (buttons), add, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (buttons), download, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (in->box), buttons, FALSE, FALSE, 0);
  in->message = gtk_label_new (NULL);
  gtk_label_set_line_wrap (GTK_LABEL (in->message), TRUE);
  gtk_misc_set_alignment (GTK_MISC (in->message), 0.0, 0.5);
  gimp_label_set_attributes (GTK_LABEL (in->message), PANGO_ATTR_SCALE, PANGO_SCALE_SMALL,
                             PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  gtk_widget_set_no_show_all (in->message, TRUE);
  gtk_box_pack_start (GTK_BOX (in->box), in->message, FALSE, FALSE, 0);
  g_object_set_data_full (G_OBJECT (in->box), "impasto-install", in, install_free);
  return in->box;
}
