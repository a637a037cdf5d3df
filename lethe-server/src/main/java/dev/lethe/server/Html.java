package dev.lethe.server;

/** Escaping for server-rendered pages: every value from the ledger or a request goes through {@link #esc}. */
final class Html {

  private Html() {}

  /** Escapes text for element content and double-quoted attribute values. */
  static String esc(Object value) {
    String s = String.valueOf(value);
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A whole page: one h1, a skip link, navigation for the role, and the body. */
  static String page(String title, Principal who, String csrf, String body) {
    StringBuilder b = new StringBuilder(4096);
    b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(esc(title)).append(" · Lethe</title>")
        .append("<link rel=\"stylesheet\" href=\"/assets/lethe.css\">")
        .append("<script src=\"/assets/lethe.js\" defer></script></head><body>")
        .append("<a class=\"skip\" href=\"#main\">Skip to content</a><header><nav aria-label=\"Main\"><ul>");
    if (who != null) {
      switch (who.role()) {
        case MEMBER -> b.append("<li><a href=\"/privacy\">Data privacy</a></li>");
        case ADMIN -> b.append("<li><a href=\"/admin\">Administration</a></li><li><a href=\"/audit\">Audit</a></li>");
        case AUDITOR -> b.append("<li><a href=\"/audit\">Audit</a></li>");
      }
      b.append("</ul><form method=\"post\" action=\"/logout\" class=\"inline\">")
          .append(csrfField(csrf))
          .append("<span class=\"who\">Signed in as ").append(esc(who.subject())).append("</span> ")
          .append("<button type=\"submit\">Sign out</button></form>");
    } else {
      b.append("</ul>");
    }
    b.append("</nav></header><main id=\"main\" tabindex=\"-1\"><h1>").append(esc(title)).append("</h1>")
        .append(body)
        .append("</main></body></html>\n");
    return b.toString();
  }

  static String csrfField(String csrf) {
    return "<input type=\"hidden\" name=\"" + Auth.CSRF_FIELD + "\" value=\"" + esc(csrf) + "\">";
  }
}
