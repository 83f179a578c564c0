/* The settings parasite stored on result layers (and read back from any XCF
 * a user opens). Whatever parses must be valid settings that survive a
 * round trip through the serializer unchanged. */
#include "impasto-settings.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  ImpastoSettings settings, again;
  ImpastoLinks    links, links_again;
  GError         *error = NULL;
  gchar          *text;

  impasto_settings_init (&settings);
  if (!impasto_settings_parse ((const gchar *) data, size, &settings, &links, &error))
    {
      if (!error || !error->message || !*error->message)
        abort ();               /* every refusal says why */
      g_error_free (error);
      return 0;
    }
  text = impasto_settings_serialize (&settings, &links);
  impasto_settings_init (&again);
  if (!impasto_settings_parse (text, strlen (text), &again, &links_again, NULL))
    abort ();
  /* style_drawable is run-time only and never stored. */
  again.style_drawable = settings.style_drawable;
  if (memcmp (&settings, &again, sizeof settings) != 0 || memcmp (&links, &links_again, sizeof links) != 0)
    abort ();
  g_free (text);
  return 0;
}
