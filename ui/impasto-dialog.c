#include "impasto-config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <gegl.h>
#include <gtk/gtk.h>
#include <libgimpbase/gimpbase.h>
#include <libgimpcolor/gimpcolor.h>
#include <libgimpwidgets/gimpwidgets.h>

#include "impasto-dialog.h"
#include "impasto-model-install.h"
#include "impasto-models.h"
#include "impasto-parameters.h"
#include "impasto-style-file.h"

#define HELP_ID "plug-in-impasto"
#define RESPONSE_RESET 1
#define N_STYLE_FILES 2

enum { MODEL_COL_THUMB, MODEL_COL_TEXT, MODEL_COL_NAME, MODEL_COL_NEEDS_STYLE, MODEL_N_COLS };

struct _ImpastoDialog
{
  GtkWidget       *window;
  GHashTable      *keys;          /* settings key -> widget or adjustment */
  ImpastoSettings  opened_with;   /* fields the dialog does not show */
  GtkWidget       *pages;         /* notebook: 0 Gatys, 1 pretrained */
  GtkWidget       *method_gatys, *method_model;
  GtkWidget       *use_layer, *layer_picker;
  GtkObject       *layer_weight;
  GtkWidget       *layer_weight_spin;
  GtkWidget       *files[N_STYLE_FILES];
  GtkWidget       *file_problems[N_STYLE_FILES]; /* why a chosen file cannot be used */
  GtkWidget       *not_ready;     /* why OK is insensitive */
  GtkWidget       *alpha_why;     /* why Style amount is greyed */
  guint            shrink_source; /* shrink_to_fit, pending */
  GtkObject       *file_weights[N_STYLE_FILES];
  GtkWidget       *quality;
  GtkWidget       *full_resolution;
  gdouble        (*estimate_seconds) (const ImpastoSettings *settings, gpointer data);
  gpointer         estimate_data;
  gint             layer_width, layer_height;
  GtkObject       *iterations, *size;
  GtkWidget       *model_view;
  GtkListStore    *model_store;
  GtkWidget       *seed_box;
  gboolean         updating;      /* set_settings in progress: no change signals */
  GCallback        on_change;
  gpointer         on_change_data;
};

/* ---- quality presets ------------------------------------------------------ */

/* Indexed by ImpastoQuality. */
static const gchar *quality_names[] = { N_("Draft"), N_("Balanced"), N_("Fine"), N_("Custom") };

/* ---- small helpers -------------------------------------------------------- */

static void update_ready (ImpastoDialog *d);

static void update_cost (ImpastoDialog *d);

static void
changed (ImpastoDialog *d)
{
  if (d->updating)
    return;
  update_ready (d);
  update_cost (d);
  if (d->on_change)
    ((void (*) (ImpastoDialog *, gpointer)) d->on_change) (d, d->on_change_data);
}

static void
remember (ImpastoDialog *d, const gchar *key, gpointer object)
{
  g_hash_table_insert (d->keys, (gpointer) key, object);
}

static GtkObject *
adjustment (ImpastoDialog *d, const gchar *key)
{
  return GTK_OBJECT (g_hash_table_lookup (d->keys, key));
}



static void
adjustment_changed (GtkAdjustment *adj, ImpastoDialog *d)
{
  changed (d);
}

/* "Content _weight" -> "Content _weight:" as translators punctuate it. */
static gchar *
row_label (const ImpastoParameter *p)
{
  return g_strdup_printf (_("%s:"), _(p->label));
}

/* The slider and entry of parameter `key` (range, step, digits, label and
 * help from its row) on row `row` of `table`, remembered as `name`. The
 * slider spans the row's UI range; larger values can be typed in. */
static GtkObject *
add_scale (ImpastoDialog *d, GtkWidget *table, gint row, const gchar *key, const gchar *name)
{
  const ImpastoParameter *p = impasto_parameter_find (key);
  gchar                  *label = row_label (p);
  GtkObject              *adj = gimp_scale_entry_new (GTK_TABLE (table), 0, row, label, 160, 6,
                                                      p->default_value, p->ui_min, p->ui_max, p->step, p->step * 10,
                                                      p->digits, FALSE, p->min, p->max, _(p->help), NULL);

  if (p->logarithmic)
    gimp_scale_entry_set_logarithmic (adj, TRUE);
  g_signal_connect (adj, "value-changed", G_CALLBACK (adjustment_changed), d);
  remember (d, name, adj);
  g_free (label);
  return adj;
}

/* A drop-down of enumeration `key`'s values. */
static GtkWidget *
add_combo (ImpastoDialog *d, GtkWidget *table, gint row, const gchar *key)
{
  const ImpastoParameter *p = impasto_parameter_find (key);
  const gchar           **labels = g_new (const gchar *, p->n_values);
  gchar                  *label = row_label (p);
  GtkWidget              *combo;
  gint                    i;

  for (i = 0; i < p->n_values; i++)
    labels[i] = _(p->values[i].label);
  combo = gimp_int_combo_box_new_array (p->n_values, labels);
  gimp_table_attach_aligned (GTK_TABLE (table), 0, row, label, 0.0, 0.5, combo, 2, FALSE);
  gimp_help_set_help_data (combo, _(p->help), NULL);
  g_signal_connect_swapped (combo, "changed", G_CALLBACK (changed), d);
  remember (d, key, combo);
  g_free (labels);
  g_free (label);
  return combo;
}


static void
set_combo (ImpastoDialog *d, const gchar *key, gint v)
{
  gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (g_hash_table_lookup (d->keys, key)), v);
}

static GtkWidget *
new_table (gint rows)
{
  GtkWidget *table = gtk_table_new (rows, 3, FALSE);

  gtk_table_set_col_spacings (GTK_TABLE (table), 6);
  gtk_table_set_row_spacings (GTK_TABLE (table), 4);
  return table;
}

static GtkWidget *
framed (const gchar *title, GtkWidget *child)
{
  GtkWidget *frame = gimp_frame_new (title);

  gtk_container_add (GTK_CONTAINER (frame), child);
  return frame;
}

/* The contents of an expander, indented like a frame's (HIG: 12 px). */
static GtkWidget *
indented (GtkWidget *child)
{
  GtkWidget *alignment = gtk_alignment_new (0.0, 0.0, 1.0, 1.0);

  gtk_alignment_set_padding (GTK_ALIGNMENT (alignment), 6, 0, 12, 0);
  gtk_container_add (GTK_CONTAINER (alignment), child);
  return alignment;
}

/* A small wrapped label for a problem; hidden while it has nothing to say. */
static GtkWidget *
problem_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);
  gimp_label_set_attributes (GTK_LABEL (label), PANGO_ATTR_SCALE, PANGO_SCALE_SMALL,
                             PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  gtk_widget_set_no_show_all (label, TRUE);
  return label;
}

static void
say (GtkWidget *label, const gchar *text)
{
  gtk_label_set_text (GTK_LABEL (label), text ? text : "");
  gtk_widget_set_visible (label, text != NULL);
}

/* Each quality preset says what it costs on this layer: "Balanced (about
 * 4 min)"; Custom, what the current numbers cost. */
static void
update_cost (ImpastoDialog *d)
{
  GtkTreeModel       *store;
  GtkTreeIter         iter;
  ImpastoSettings     now;
  gboolean            more;

  if (!d->estimate_seconds || d->layer_width <= 0 || d->layer_height <= 0)
    return;
  impasto_dialog_get_settings (d, &now);
  store = gtk_combo_box_get_model (GTK_COMBO_BOX (d->quality));
  for (more = gtk_tree_model_get_iter_first (store, &iter); more; more = gtk_tree_model_iter_next (store, &iter))
    {
      ImpastoSettings s = now;
      gint            q = IMPASTO_QUALITY_CUSTOM;
      gdouble         seconds;
      gchar          *label;

      gtk_tree_model_get (store, &iter, GIMP_INT_STORE_VALUE, &q, -1);
      if (q < IMPASTO_QUALITY_DRAFT || q > IMPASTO_QUALITY_CUSTOM)
        continue;
      impasto_quality_values (q, &s.iterations, &s.size, &s.full_resolution);
      seconds = d->estimate_seconds (&s, d->estimate_data);
      if (seconds <= 0.0)
        label = g_strdup (_(quality_names[q]));
      else if (seconds < 90.0)
        label = g_strdup_printf (_("%s (about %d s)"), _(quality_names[q]), MAX (1, (gint) (seconds + 0.5)));
      else
        label = g_strdup_printf (_("%s (about %d min)"), _(quality_names[q]), (gint) (seconds / 60.0 + 0.5));
      gtk_list_store_set (GTK_LIST_STORE (store), &iter, GIMP_INT_STORE_LABEL, label, -1);
      g_free (label);
    }
}

/* Closing Advanced gives its height back (GTK 2 windows do not shrink by
 * themselves); the width the user chose stays. */
static gboolean
shrink_to_fit (gpointer data)
{
  ImpastoDialog  *d = data;
  GtkRequisition  wanted;
  gint            width, height;

  d->shrink_source = 0;
  gtk_widget_size_request (d->window, &wanted);
  gtk_window_get_size (GTK_WINDOW (d->window), &width, &height);
  if (height > wanted.height)
    gtk_window_resize (GTK_WINDOW (d->window), width, wanted.height);
  return G_SOURCE_REMOVE;
}

static void
advanced_toggled (GtkExpander *expander, GParamSpec *pspec, ImpastoDialog *d)
{
  /* GTK 2's expander hides its contents only at the end of its arrow
   * animation: shrink a little later. */
  if (!gtk_expander_get_expanded (expander) && !d->shrink_source)
    d->shrink_source = g_timeout_add (300, shrink_to_fit, d);
}

/* Threads, under each method's Advanced: two sliders on one setting. */
static void
threads_follow (GtkAdjustment *changed_one, GtkAdjustment *other)
{
  if (gtk_adjustment_get_value (other) != gtk_adjustment_get_value (changed_one))
    gtk_adjustment_set_value (other, gtk_adjustment_get_value (changed_one));
}

static void
add_threads (ImpastoDialog *d, GtkWidget *table, gint row, const gchar *key)
{
  GtkObject *adj = add_scale (d, table, row, "threads", key);
  GtkObject *first = g_hash_table_lookup (d->keys, "threads");

  if (first && first != adj)
    {
      g_signal_connect (adj, "value-changed", G_CALLBACK (threads_follow), first);
      g_signal_connect (first, "value-changed", G_CALLBACK (threads_follow), adj);
    }
}

/* A page's Advanced expander holding `table`, at the end of `page`. */
static void
add_advanced (ImpastoDialog *d, GtkWidget *page, GtkWidget *expander, GtkWidget *table, const gchar *key)
{
  gtk_container_add (GTK_CONTAINER (expander), indented (table));
  gtk_box_pack_start (GTK_BOX (page), expander, FALSE, FALSE, 0);
  remember (d, key, expander);
  g_signal_connect (expander, "notify::expanded", G_CALLBACK (advanced_toggled), d);
}

/* ---- method switching ----------------------------------------------------- */

static void
method_toggled (GtkToggleButton *button, ImpastoDialog *d)
{
  gtk_notebook_set_current_page (GTK_NOTEBOOK (d->pages),
                                 gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (d->method_model)) ? 1 : 0);
  changed (d);
}

/* ---- Gatys page ----------------------------------------------------------- */

static void
quality_changed (GtkComboBox *combo, ImpastoDialog *d)
{
  gint     q = IMPASTO_QUALITY_CUSTOM, it, sz;
  gboolean full;

  gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (combo), &q);
  if (q == IMPASTO_QUALITY_CUSTOM || d->updating)
    return;
  impasto_quality_values (q, &it, &sz, &full);
  d->updating = TRUE;
  gtk_adjustment_set_value (GTK_ADJUSTMENT (d->iterations), it);
  gtk_adjustment_set_value (GTK_ADJUSTMENT (d->size), sz);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (d->full_resolution), full);
  d->updating = FALSE;
  changed (d);
}

/* Editing the raw numbers shows which preset they are, or Custom. */
static void
raw_quality_changed (GObject *widget, ImpastoDialog *d)
{
  gboolean was = d->updating;

  if (was)
    return;
  d->updating = TRUE;
  gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (d->quality),
                                 impasto_quality_of ((gint) gtk_adjustment_get_value (GTK_ADJUSTMENT (d->iterations)),
                                                     (gint) gtk_adjustment_get_value (GTK_ADJUSTMENT (d->size)),
                                                     gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (d->full_resolution))));
  d->updating = FALSE;
}

static void
use_layer_toggled (GtkToggleButton *button, ImpastoDialog *d)
{
  gboolean on = gtk_toggle_button_get_active (button);

  gtk_widget_set_sensitive (d->layer_picker, on);
  gtk_widget_set_sensitive (d->layer_weight_spin, on);
  changed (d);
}

/* A blend weight as a spin button at the end of its style's row: one row a
 * style keeps the dialog within a 768-pixel screen with Advanced open. */
static GtkObject *
blend_weight (ImpastoDialog *d, GtkWidget *table, gint row, const gchar *key, const gchar *tooltip,
              GtkWidget **spin)
{
  GtkObject *adj = gtk_adjustment_new (1.0, 0.0, 10.0, 0.1, 1.0, 0.0);

  *spin = gtk_spin_button_new (GTK_ADJUSTMENT (adj), 0.1, 2);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (*spin), TRUE);
  gimp_help_set_help_data (*spin, tooltip, NULL);
  gtk_table_attach (GTK_TABLE (table), *spin, 3, 4, row, row + 1, GTK_FILL, GTK_FILL, 0, 0);
  g_signal_connect (adj, "value-changed", G_CALLBACK (adjustment_changed), d);
  remember (d, key, adj);
  return adj;
}

static GtkWidget *
style_frame (ImpastoDialog *d, const ImpastoDialogHost *host)
{
  GtkWidget *table = gtk_table_new (1 + 2 * N_STYLE_FILES, 4, FALSE);
  gint       row = 0, i;

  gtk_table_set_col_spacings (GTK_TABLE (table), 6);
  gtk_table_set_row_spacings (GTK_TABLE (table), 4);
  d->use_layer = gtk_check_button_new_with_mnemonic (_("Style _layer:"));
  gimp_help_set_help_data (d->use_layer, _("Take the style from a layer of any open image, such as a painting"), NULL);
  gtk_table_attach (GTK_TABLE (table), d->use_layer, 0, 1, row, row + 1, GTK_FILL, GTK_FILL, 0, 0);
  d->layer_picker = host->new_layer_picker (host->data);
  gtk_table_attach (GTK_TABLE (table), d->layer_picker, 1, 3, row, row + 1, GTK_EXPAND | GTK_FILL, GTK_FILL, 0, 0);
  g_signal_connect_swapped (d->layer_picker, "changed", G_CALLBACK (changed), d);
  g_signal_connect (d->use_layer, "toggled", G_CALLBACK (use_layer_toggled), d);
  remember (d, "use-style-layer", d->use_layer);
  remember (d, "style-drawable", d->layer_picker);
  d->layer_weight = blend_weight (d, table, row, "layer-blend", _("Blend weight: how much of the mix of styles comes from the layer"),
                                  &d->layer_weight_spin);
  row++;

  for (i = 0; i < N_STYLE_FILES; i++)
    {
      static const gchar *keys[N_STYLE_FILES][2] = { { "style-file-1", "file-blend-1" }, { "style-file-2", "file-blend-2" } };
      GtkFileFilter      *filter = gtk_file_filter_new ();
      GtkWidget          *spin;

      d->files[i] = gtk_file_chooser_button_new (i == 0 ? _("Choose a style image") : _("Choose a second style image"),
                                                 GTK_FILE_CHOOSER_ACTION_OPEN);
      /* Offer what impasto-style-file.c can read. */
      gtk_file_filter_set_name (filter, _("Images"));
      gtk_file_filter_add_pixbuf_formats (filter);
      gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (d->files[i]), filter);
      gimp_table_attach_aligned (GTK_TABLE (table), 0, row, i == 0 ? _("Style _file:") : _("_Second style file:"),
                                 0.0, 0.5, d->files[i], 2, FALSE);
      gimp_help_set_help_data (d->files[i], _("Or take the style from an image file; several styles are mixed by their blend weights"), NULL);
      g_signal_connect_swapped (d->files[i], "selection-changed", G_CALLBACK (changed), d);
      remember (d, keys[i][0], d->files[i]);
      d->file_weights[i] = blend_weight (d, table, row, keys[i][1],
                                         _("Blend weight: how much of the mix of styles comes from this file"), &spin);
      row++;
      d->file_problems[i] = problem_label ();
      gtk_table_attach (GTK_TABLE (table), d->file_problems[i], 1, 4, row, row + 1, GTK_EXPAND | GTK_FILL, GTK_FILL, 0, 0);
      remember (d, i == 0 ? "style-file-1-problem" : "style-file-2-problem", d->file_problems[i]);
      row++;
    }
  return framed (_("Style"), table);
}

/* Quality: the preset (each saying what it costs on this layer, see
 * update_cost) and whether to paint at the layer's own pixels. */
static GtkWidget *
quality_row (ImpastoDialog *d, GtkWidget *table, gint row)
{
  GtkWidget *hbox  = gtk_hbox_new (FALSE, 12);
  GtkWidget *combo = gimp_int_combo_box_new (_(quality_names[IMPASTO_QUALITY_DRAFT]), IMPASTO_QUALITY_DRAFT,
                                             _(quality_names[IMPASTO_QUALITY_BALANCED]), IMPASTO_QUALITY_BALANCED,
                                             _(quality_names[IMPASTO_QUALITY_FINE]), IMPASTO_QUALITY_FINE,
                                             _(quality_names[IMPASTO_QUALITY_CUSTOM]), IMPASTO_QUALITY_CUSTOM, NULL);
  GtkWidget *label;

  gtk_box_pack_start (GTK_BOX (hbox), combo, FALSE, FALSE, 0);
  gtk_widget_show (combo);
  d->full_resolution = gtk_check_button_new_with_mnemonic (_(impasto_parameter_find ("full-resolution")->label));
  gimp_help_set_help_data (d->full_resolution, _(impasto_parameter_find ("full-resolution")->help), NULL);
  gtk_box_pack_start (GTK_BOX (hbox), d->full_resolution, FALSE, FALSE, 0);
  gtk_widget_show (d->full_resolution);
  remember (d, "full-resolution", d->full_resolution);
  label = gimp_table_attach_aligned (GTK_TABLE (table), 0, row, _("_Quality:"), 0.0, 0.5, hbox, 2, FALSE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), combo);
  gimp_help_set_help_data (combo, _("Draft is quick for trying settings; Fine takes longer and paints more detail"), NULL);
  g_signal_connect_swapped (combo, "changed", G_CALLBACK (changed), d);
  g_signal_connect (combo, "changed", G_CALLBACK (quality_changed), d);
  remember (d, "quality", combo);
  return combo;
}

static GtkWidget *
gatys_page (ImpastoDialog *d, const ImpastoDialogHost *host)
{
  GtkWidget *vbox = gtk_vbox_new (FALSE, 12);
  GtkWidget              *table, *expander, *advanced;
  guint32                 dummy_seed = 0;
  gboolean                dummy_random = FALSE;
  const ImpastoParameter *seed = impasto_parameter_find ("seed");
  gchar                  *seed_label;

  gtk_box_pack_start (GTK_BOX (vbox), style_frame (d, host), FALSE, FALSE, 0);

  table = new_table (5);
  add_scale (d, table, 0, "content-weight", "content-weight");
  add_scale (d, table, 1, "style-weight", "style-weight");
  add_scale (d, table, 2, "tv-weight", "tv-weight");
  add_scale (d, table, 3, "style-scale", "style-scale");
  d->quality = quality_row (d, table, 4);
  gtk_box_pack_start (GTK_BOX (vbox), framed (_("Weights"), table), FALSE, FALSE, 0);

  expander = gtk_expander_new_with_mnemonic (_("Ad_vanced"));
  advanced = new_table (7);
  d->iterations = add_scale (d, advanced, 0, "iterations", "iterations");
  d->size = add_scale (d, advanced, 1, "size", "size");
  g_signal_connect (d->iterations, "value-changed", G_CALLBACK (raw_quality_changed), d);
  g_signal_connect (d->size, "value-changed", G_CALLBACK (raw_quality_changed), d);
  g_signal_connect (d->full_resolution, "toggled", G_CALLBACK (raw_quality_changed), d);
  g_signal_connect_swapped (d->full_resolution, "toggled", G_CALLBACK (changed), d);
  add_combo (d, advanced, 2, "network");
  add_combo (d, advanced, 3, "optimizer");
  add_combo (d, advanced, 4, "init");
  d->seed_box = gimp_random_seed_new (&dummy_seed, &dummy_random);
  gtk_widget_hide (GIMP_RANDOM_SEED_TOGGLE (d->seed_box));
  gtk_widget_set_no_show_all (GIMP_RANDOM_SEED_TOGGLE (d->seed_box), TRUE);
  seed_label = row_label (seed);
  gimp_table_attach_aligned (GTK_TABLE (advanced), 0, 5, seed_label, 0.0, 0.5, d->seed_box, 2, TRUE);
  gimp_help_set_help_data (GIMP_RANDOM_SEED_SPINBUTTON (d->seed_box), _(seed->help), NULL);
  /* GimpRandomSeed allows any guint32; the seed is a gint. */
  gtk_adjustment_set_lower (GTK_ADJUSTMENT (GIMP_RANDOM_SEED_SPINBUTTON_ADJ (d->seed_box)), seed->min);
  gtk_adjustment_set_upper (GTK_ADJUSTMENT (GIMP_RANDOM_SEED_SPINBUTTON_ADJ (d->seed_box)), seed->max);
  g_free (seed_label);
  g_signal_connect (GIMP_RANDOM_SEED_SPINBUTTON_ADJ (d->seed_box), "value-changed", G_CALLBACK (adjustment_changed), d);
  remember (d, "seed", GIMP_RANDOM_SEED_SPINBUTTON_ADJ (d->seed_box));
  add_threads (d, advanced, 6, "threads");
  add_advanced (d, vbox, expander, advanced, "advanced-gatys");
  return vbox;
}

/* ---- pretrained page ------------------------------------------------------ */

/* Style amount only means something for models that take a style image. */
static void
model_selection_changed (GtkTreeSelection *selection, ImpastoDialog *d)
{
  GtkTreeModel *model;
  GtkTreeIter   iter;
  gboolean      needs_style = FALSE;

  if (gtk_tree_selection_get_selected (selection, &model, &iter))
    gtk_tree_model_get (model, &iter, MODEL_COL_NEEDS_STYLE, &needs_style, -1);
  gimp_scale_entry_set_sensitive (adjustment (d, "alpha"), needs_style);
  /* GTK 2 shows no tooltip on a greyed control: say why in the dialog. */
  say (d->alpha_why, needs_style ? NULL : _("Style amount is for models that take any style image (AdaIN); this style is fixed."));
  changed (d);
}

static void
add_model_row (ImpastoDialog *d, const gchar *name, const gchar *display, const gchar *licence,
               const gchar *thumbnail, gboolean builtin, gboolean needs_style)
{
  GtkTreeIter  iter;
  GdkPixbuf   *thumb = NULL;
  gchar       *text;

  if (thumbnail)
    thumb = gdk_pixbuf_new_from_file_at_scale (thumbnail, 48, 48, TRUE, NULL);
  text = g_markup_printf_escaped ("%s\n<small>%s%s%s</small>", display,
                                  builtin ? _("Built in") : name,
                                  licence && *licence ? " · " : "", licence ? licence : "");
  gtk_list_store_append (d->model_store, &iter);
  gtk_list_store_set (d->model_store, &iter, MODEL_COL_THUMB, thumb, MODEL_COL_TEXT, text,
                      MODEL_COL_NAME, name, MODEL_COL_NEEDS_STYLE, needs_style, -1);
  if (thumb)
    g_object_unref (thumb);
  g_free (text);
}

static void
fill_models (ImpastoDialog *d, GList *models)
{
  GList *l;

  for (l = models; l; l = l->next)
    {
      const ImpastoModelInfo *m = l->data;

      add_model_row (d, m->name, m->display_name, m->licence, m->thumbnail, m->builtin, m->needs_style);
    }
}

static void select_model (ImpastoDialog *d, const gchar *name);

/* Add model… or Download… brought a model: list it at once, chosen. */
static void
model_arrived (const gchar *name, gpointer data)
{
  ImpastoDialog *d = data;
  GList         *models = impasto_list_models ();

  gboolean       is_style = FALSE;
  GList         *l;

  for (l = models; l; l = l->next)
    is_style |= !strcmp (((ImpastoModelInfo *) l->data)->name, name);
  gtk_list_store_clear (d->model_store);
  fill_models (d, models);
  impasto_model_list_free (models);
  /* A loss network (Tiny Darknet) is no style to choose. */
  if (is_style)
    select_model (d, name);
  changed (d);
}

static GtkWidget *
model_page (ImpastoDialog *d, const ImpastoDialogHost *host)
{
  GtkWidget         *vbox = gtk_vbox_new (FALSE, 12);
  GtkWidget         *scrolled, *table, *expander, *advanced, *mnemonic, *install;
  GtkTreeViewColumn *column;
  GtkCellRenderer   *cell;

  d->model_store = gtk_list_store_new (MODEL_N_COLS, GDK_TYPE_PIXBUF, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  fill_models (d, host->models);
  d->model_view = gtk_tree_view_new_with_model (GTK_TREE_MODEL (d->model_store));
  gtk_tree_view_set_headers_visible (GTK_TREE_VIEW (d->model_view), FALSE);
  column = gtk_tree_view_column_new ();
  cell = gtk_cell_renderer_pixbuf_new ();
  gtk_cell_renderer_set_fixed_size (cell, 52, 52);
  gtk_tree_view_column_pack_start (column, cell, FALSE);
  gtk_tree_view_column_add_attribute (column, cell, "pixbuf", MODEL_COL_THUMB);
  cell = gtk_cell_renderer_text_new ();
  /* Wrapped: a built-in style's credits (painting, reproduction, licence)
   * would otherwise widen the dialog beyond a laptop's screen. */
  g_object_set (cell, "wrap-mode", PANGO_WRAP_WORD_CHAR, "wrap-width", 460, NULL);
  gtk_tree_view_column_pack_start (column, cell, TRUE);
  gtk_tree_view_column_add_attribute (column, cell, "markup", MODEL_COL_TEXT);
  gtk_tree_view_append_column (GTK_TREE_VIEW (d->model_view), column);
  gimp_help_set_help_data (d->model_view, _("A pretrained style paints the whole picture in one pass, in seconds"), NULL);
  g_signal_connect (gtk_tree_view_get_selection (GTK_TREE_VIEW (d->model_view)), "changed",
                    G_CALLBACK (model_selection_changed), d);
  remember (d, "model", d->model_view);

  mnemonic = gtk_label_new_with_mnemonic (_("Pretrained _style:"));
  gtk_misc_set_alignment (GTK_MISC (mnemonic), 0.0, 0.5);
  gtk_label_set_mnemonic_widget (GTK_LABEL (mnemonic), d->model_view);
  gtk_box_pack_start (GTK_BOX (vbox), mnemonic, FALSE, FALSE, 0);
  scrolled = gtk_scrolled_window_new (NULL, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_shadow_type (GTK_SCROLLED_WINDOW (scrolled), GTK_SHADOW_IN);
  gtk_widget_set_size_request (scrolled, -1, 230);
  gtk_container_add (GTK_CONTAINER (scrolled), d->model_view);
  gtk_box_pack_start (GTK_BOX (vbox), scrolled, TRUE, TRUE, 0);

  install = impasto_model_install_new (host->check_model, host->data, model_arrived, d);
  gtk_box_pack_start (GTK_BOX (vbox), install, FALSE, FALSE, 0);
  remember (d, "model-install", install);

  table = new_table (4);
  add_scale (d, table, 0, "strength", "strength");
  add_scale (d, table, 1, "scale", "scale");
  add_scale (d, table, 2, "alpha", "alpha");
  d->alpha_why = problem_label ();
  gtk_table_attach (GTK_TABLE (table), d->alpha_why, 1, 3, 3, 4, GTK_EXPAND | GTK_FILL, GTK_FILL, 0, 0);
  remember (d, "alpha-why", d->alpha_why);
  gtk_box_pack_start (GTK_BOX (vbox), table, FALSE, FALSE, 0);

  expander = gtk_expander_new_with_mnemonic (_("Ad_vanced"));
  advanced = new_table (2);
  add_threads (d, advanced, 1, "threads-model");
  add_scale (d, advanced, 0, "tile-size", "tile-size");
  add_advanced (d, vbox, expander, advanced, "advanced-model");
  return vbox;
}

static void
select_model (ImpastoDialog *d, const gchar *name)
{
  GtkTreeModel *model = GTK_TREE_MODEL (d->model_store);
  GtkTreeIter   iter;
  gboolean      valid;

  for (valid = gtk_tree_model_get_iter_first (model, &iter); valid; valid = gtk_tree_model_iter_next (model, &iter))
    {
      gchar   *row_name;
      gboolean same;

      gtk_tree_model_get (model, &iter, MODEL_COL_NAME, &row_name, -1);
      same = !g_strcmp0 (row_name, name);
      g_free (row_name);
      if (same)
        break;
    }
  if (!valid && name && *name)
    {
      /* A model given by path, or not installed any more: keep it choosable. */
      add_model_row (d, name, name, _("not in the model folders"), NULL, FALSE, FALSE);
      valid = gtk_tree_model_iter_nth_child (model, &iter, NULL, gtk_tree_model_iter_n_children (model, NULL) - 1);
    }
  if (valid)
    {
      GtkTreePath *path = gtk_tree_model_get_path (model, &iter);

      gtk_tree_selection_select_iter (gtk_tree_view_get_selection (GTK_TREE_VIEW (d->model_view)), &iter);
      gtk_tree_view_scroll_to_cell (GTK_TREE_VIEW (d->model_view), path, NULL, FALSE, 0, 0);
      gtk_tree_path_free (path);
    }
}

/* ---- shared settings ------------------------------------------------------ */

static GtkWidget *
shared_table (ImpastoDialog *d)
{
  GtkWidget *table = new_table (1);

  add_combo (d, table, 0, "preserve-colors");
  return table;
}

/* ---- readiness -------------------------------------------------------------- */

/* OK is sensitive only when the run can start: a style to work from, every
 * chosen style file readable (checked from its header, before any work),
 * a model chosen. What is missing is said next to where it is fixed. */
static void
update_ready (ImpastoDialog *d)
{
  const gchar *missing = NULL;
  gboolean     any_style = FALSE, files_ok = TRUE;
  gint         i, id = -1;

  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (d->use_layer)) &&
      gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (d->layer_picker), &id) && id > 0)
    any_style = TRUE;
  for (i = 0; i < N_STYLE_FILES; i++)
    {
      gchar  *file  = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (d->files[i]));
      GError *error = NULL;

      if (file && !impasto_style_file_check (file, NULL, NULL, &error))
        {
          say (d->file_problems[i], error->message);
          files_ok = FALSE;
          g_clear_error (&error);
        }
      else
        {
          say (d->file_problems[i], NULL);
          any_style = any_style || file;
        }
      g_free (file);
    }

  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (d->method_model)))
    {
      if (!gtk_tree_selection_get_selected (gtk_tree_view_get_selection (GTK_TREE_VIEW (d->model_view)), NULL, NULL))
        missing = _("Choose a pretrained style.");
    }
  else if (!files_ok)
    missing = _("A chosen style file cannot be used (see above).");
  else if (!any_style)
    missing = _("Choose a style: tick \"Style layer\" and pick a layer, or choose a style file.");

  say (d->not_ready, missing);
  gtk_dialog_set_response_sensitive (GTK_DIALOG (d->window), GTK_RESPONSE_OK, missing == NULL);
}

gboolean
impasto_dialog_is_ready (ImpastoDialog *d)
{
  return !gtk_widget_get_visible (d->not_ready);
}

/* ---- settings round trip -------------------------------------------------- */

static gchar **
split_files (const gchar *files)
{
  return files && *files ? g_strsplit (files, G_SEARCHPATH_SEPARATOR_S, -1) : g_new0 (gchar *, 1);
}

/* Every parameter that has a widget under its key: a slider or spin
 * button (adjustment), a drop-down or a check button. */
static void
set_widgets (ImpastoDialog *d, const ImpastoSettings *s)
{
  const ImpastoParameter *p;
  guint                   n, i;

  for (p = impasto_parameters (&n), i = 0; i < n; i++)
    {
      GObject *widget = g_hash_table_lookup (d->keys, p[i].key);
      gdouble  value  = impasto_parameter_get (&p[i], s);

      if (GTK_IS_ADJUSTMENT (widget))
        gtk_adjustment_set_value (GTK_ADJUSTMENT (widget), value);
      else if (GIMP_IS_INT_COMBO_BOX (widget))
        gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (widget), (gint) value);
      else if (GTK_IS_TOGGLE_BUTTON (widget))
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (widget), value != 0.0);
    }
}

static void
get_widgets (ImpastoDialog *d, ImpastoSettings *s)
{
  const ImpastoParameter *p;
  guint                   n, i;

  for (p = impasto_parameters (&n), i = 0; i < n; i++)
    {
      GObject *widget = g_hash_table_lookup (d->keys, p[i].key);
      gint     active = 0;

      if (GTK_IS_ADJUSTMENT (widget))
        impasto_parameter_set (&p[i], s, gtk_adjustment_get_value (GTK_ADJUSTMENT (widget)));
      else if (GIMP_IS_INT_COMBO_BOX (widget) && gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (widget), &active))
        impasto_parameter_set (&p[i], s, active);
      else if (GTK_IS_TOGGLE_BUTTON (widget))
        impasto_parameter_set (&p[i], s, gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (widget)));
    }
}

void
impasto_dialog_set_settings (ImpastoDialog *d, const ImpastoSettings *s)
{
  gchar  **files = split_files (s->style_path);
  gchar  **weights = g_strsplit (s->style_weights, ",", -1);
  gint     w = 0, i, first = -1;
  gboolean layer = s->style_drawable > 0;

  /* No style yet (a first run): the picker's first layer, another open
   * image's, is what the user opened the painting for. */
  if (!layer && !*s->style_path && s->method == IMPASTO_METHOD_GATYS &&
      gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (d->layer_picker), &first) && first > 0)
    layer = TRUE;

  d->updating = TRUE;
  d->opened_with = *s;
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (s->method == IMPASTO_METHOD_MODEL ? d->method_model : d->method_gatys), TRUE);
  gtk_notebook_set_current_page (GTK_NOTEBOOK (d->pages), s->method == IMPASTO_METHOD_MODEL ? 1 : 0);

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (d->use_layer), layer);
  gtk_widget_set_sensitive (d->layer_picker, layer);
  gtk_widget_set_sensitive (d->layer_weight_spin, layer);
  if (s->style_drawable > 0)
    gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (d->layer_picker), s->style_drawable);
  /* Weights: one per style, the layer's first. */
  gtk_adjustment_set_value (GTK_ADJUSTMENT (d->layer_weight),
                            layer && weights[w] && *weights[w] ? g_ascii_strtod (weights[w++], NULL) : 1.0);
  for (i = 0; i < N_STYLE_FILES; i++)
    {
      gboolean has = i < (gint) g_strv_length (files) && *files[i];

      if (has)
        gtk_file_chooser_set_filename (GTK_FILE_CHOOSER (d->files[i]), files[i]);
      else
        gtk_file_chooser_unselect_all (GTK_FILE_CHOOSER (d->files[i]));
      gtk_adjustment_set_value (GTK_ADJUSTMENT (d->file_weights[i]),
                                has && weights[w] && *weights[w] ? g_ascii_strtod (weights[w++], NULL) : 1.0);
    }

  set_widgets (d, s);
  set_combo (d, "quality", impasto_quality_of (s->iterations, s->size, s->full_resolution));
  select_model (d, s->model);
  d->updating = FALSE;
  update_ready (d);
  update_cost (d);
  g_strfreev (files);
  g_strfreev (weights);
}

void
impasto_dialog_get_settings (ImpastoDialog *d, ImpastoSettings *s)
{
  GString          *files = g_string_new (NULL), *weights = g_string_new (NULL);
  gchar             num[G_ASCII_DTOSTR_BUF_SIZE];
  GtkTreeModel     *model;
  GtkTreeIter       iter;
  gint              i;

  *s = d->opened_with;
  s->method = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (d->method_model)) ? IMPASTO_METHOD_MODEL
                                                                                   : IMPASTO_METHOD_GATYS;
  s->style_drawable = -1;
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (d->use_layer)))
    {
      gint id = -1;

      if (gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (d->layer_picker), &id) && id > 0)
        {
          s->style_drawable = id;
          g_string_append (weights, g_ascii_dtostr (num, sizeof num, gtk_adjustment_get_value (GTK_ADJUSTMENT (d->layer_weight))));
        }
    }
  for (i = 0; i < N_STYLE_FILES; i++)
    {
      gchar *file = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (d->files[i]));

      if (!file)
        continue;
      if (files->len)
        g_string_append_c (files, G_SEARCHPATH_SEPARATOR);
      g_string_append (files, file);
      if (weights->len)
        g_string_append_c (weights, ',');
      g_string_append (weights, g_ascii_dtostr (num, sizeof num, gtk_adjustment_get_value (GTK_ADJUSTMENT (d->file_weights[i]))));
      g_free (file);
    }
  g_strlcpy (s->style_path, files->str, sizeof s->style_path);
  g_strlcpy (s->style_weights, weights->str, sizeof s->style_weights);
  g_string_free (files, TRUE);
  g_string_free (weights, TRUE);

  get_widgets (d, s);

  if (gtk_tree_selection_get_selected (gtk_tree_view_get_selection (GTK_TREE_VIEW (d->model_view)), &model, &iter))
    {
      gchar *name;

      gtk_tree_model_get (model, &iter, MODEL_COL_NAME, &name, -1);
      g_strlcpy (s->model, name, sizeof s->model);
      g_free (name);
    }
}

/* ---- the dialog ----------------------------------------------------------- */

ImpastoDialog *
impasto_dialog_new (const ImpastoSettings *initial, const ImpastoDialogHost *host)
{
  ImpastoDialog *d = g_new0 (ImpastoDialog, 1);
  GtkWidget     *main_hbox, *vbox, *methods, *preview;

  d->keys = g_hash_table_new (g_str_hash, g_str_equal);
  d->estimate_seconds = host->estimate_seconds;
  d->estimate_data    = host->data;
  d->layer_width      = host->layer_width;
  d->layer_height     = host->layer_height;
  d->window = gimp_dialog_new (_("Style Transfer"), "impasto-style-transfer", NULL, 0,
                               host->help, HELP_ID,
                               GIMP_STOCK_RESET, RESPONSE_RESET,
                               GTK_STOCK_CANCEL, GTK_RESPONSE_CANCEL,
                               GTK_STOCK_OK, GTK_RESPONSE_OK,
                               NULL);
  if (host->parent)
    gtk_window_set_transient_for (GTK_WINDOW (d->window), host->parent);
  gtk_dialog_set_alternative_button_order (GTK_DIALOG (d->window), RESPONSE_RESET, GTK_RESPONSE_OK,
                                           GTK_RESPONSE_CANCEL, -1);
  gtk_dialog_set_default_response (GTK_DIALOG (d->window), GTK_RESPONSE_OK);

  main_hbox = gtk_hbox_new (FALSE, 12);
  gtk_container_set_border_width (GTK_CONTAINER (main_hbox), 12);
  gtk_box_pack_start (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (d->window))), main_hbox, TRUE, TRUE, 0);

  preview = host->new_preview ? host->new_preview (host->data) : NULL;
  if (preview)
    {
      gtk_box_pack_start (GTK_BOX (main_hbox), preview, TRUE, TRUE, 0);
      remember (d, "preview", preview);
    }

  vbox = gtk_vbox_new (FALSE, 12);
  gtk_box_pack_start (GTK_BOX (main_hbox), vbox, FALSE, FALSE, 0);

  methods = gtk_hbox_new (FALSE, 12);
  d->method_gatys = gtk_radio_button_new_with_mnemonic (NULL, _("Optimise to _any style"));
  d->method_model = gtk_radio_button_new_with_mnemonic_from_widget (GTK_RADIO_BUTTON (d->method_gatys), _("Pre_trained style"));
  gimp_help_set_help_data (d->method_gatys,
                           _("Paints your picture in the style of any image by optimisation: any style, takes a minute or more"), NULL);
  gimp_help_set_help_data (d->method_model,
                           _("Uses a network trained for one style: a few seconds, even on large photos"), NULL);
  gtk_box_pack_start (GTK_BOX (methods), d->method_gatys, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (methods), d->method_model, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (vbox), methods, FALSE, FALSE, 0);
  g_signal_connect (d->method_gatys, "toggled", G_CALLBACK (method_toggled), d);
  remember (d, "method-gatys", d->method_gatys);
  remember (d, "method-model", d->method_model);

  d->pages = gtk_notebook_new ();
  gtk_notebook_set_show_tabs (GTK_NOTEBOOK (d->pages), FALSE);
  gtk_notebook_set_show_border (GTK_NOTEBOOK (d->pages), FALSE);
  gtk_notebook_append_page (GTK_NOTEBOOK (d->pages), gatys_page (d, host), NULL);
  gtk_notebook_append_page (GTK_NOTEBOOK (d->pages), model_page (d, host), NULL);
  gtk_box_pack_start (GTK_BOX (vbox), d->pages, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (vbox), shared_table (d), FALSE, FALSE, 0);
  d->not_ready = problem_label ();
  gtk_box_pack_start (GTK_BOX (vbox), d->not_ready, FALSE, FALSE, 0);
  remember (d, "not-ready", d->not_ready);

  gtk_widget_show_all (main_hbox);
  impasto_dialog_set_settings (d, initial);
  return d;
}

GtkWidget *
impasto_dialog_get_window (ImpastoDialog *d)
{
  return d->window;
}

void
impasto_dialog_on_change (ImpastoDialog *d, GCallback callback, gpointer data)
{
  d->on_change = callback;
  d->on_change_data = data;
}

GObject *
impasto_dialog_lookup (ImpastoDialog *d, const gchar *key)
{
  return g_hash_table_lookup (d->keys, key);
}

gboolean
impasto_dialog_run (ImpastoDialog *d, ImpastoSettings *settings)
{
  gtk_widget_show (d->window);
  for (;;)
    {
      gint response = gimp_dialog_run (GIMP_DIALOG (d->window));

      if (response == RESPONSE_RESET)
        {
          ImpastoSettings defaults;

          impasto_dialog_get_settings (d, settings);
          impasto_settings_init (&defaults);
          /* Reset the numbers, keep what the user chose to work on. */
          defaults.method = settings->method;
          defaults.style_drawable = settings->style_drawable;
          g_strlcpy (defaults.style_path, settings->style_path, sizeof defaults.style_path);
          g_strlcpy (defaults.model, settings->model, sizeof defaults.model);
          impasto_dialog_set_settings (d, &defaults);
          changed (d);
          continue;
        }
      if (response == GTK_RESPONSE_OK && !impasto_dialog_is_ready (d))
        continue;
      if (response == GTK_RESPONSE_OK)
        {
          impasto_dialog_get_settings (d, settings);
          return TRUE;
        }
      return FALSE;
    }
}

void
impasto_dialog_destroy (ImpastoDialog *d)
{
  if (d->shrink_source)
    g_source_remove (d->shrink_source);
  gtk_widget_destroy (d->window);
  g_hash_table_unref (d->keys);
  g_object_unref (d->model_store);
  g_free (d);
}
