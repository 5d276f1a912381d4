#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, and libxml/encoding.h then includes ICU's headers, which
// clash with the copy of ICU inside Foundation. giving never touches the encoding handler's
// ICU fields, so hide them.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>

/// `xmlFree` is a global function pointer, which Swift 6 treats as shared mutable state.
static inline void giving_xmlFree(void *pointer) { xmlFree(pointer); }
