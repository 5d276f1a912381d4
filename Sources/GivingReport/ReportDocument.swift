/// The whole report: one HTML file that needs nothing else. Its styles are inline, its charts
/// are SVG drawn by giving, it has no script, font or image to fetch, and its content security
/// policy forbids the browser to fetch any.
///
/// ```swift
/// let page = ReportDocument(title: "grants.csv", generated: "2026-11-25",
///                           validation: validation, summary: summary, spend: spend)
/// try page.bytes.write(to: …)
/// ```
public struct ReportDocument: Sendable {
  public var title: String
  /// The day the report was made (the `--now` of the date checks).
  public var generated: String
  public var validation: ValidationSection
  public var summary: SummarySection
  public var spend: SpendSection

  public init(title: String, generated: String, validation: ValidationSection, summary: SummarySection, spend: SpendSection) {
    self.title = title
    self.generated = generated
    self.validation = validation
    self.summary = summary
    self.spend = spend
  }

  /// The page, as UTF-8.
  public var bytes: [UInt8] {
    var html = HTMLWriter()
    html.raw("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">")
    // Nothing may be loaded from anywhere: not even from the folder the file is in.
    html.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">")
    html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    html.element("title", "360Giving report: " + title)
    html.raw("<style>\(Self.style)</style></head><body>")
    html.open("header")
    html.element("h1", "360Giving report: " + title)
    html.element("p", ["class": "generated"], "Made by giving on \(generated), from the files themselves: nothing here was fetched from anywhere.")
    html.raw("<nav><a href=\"#validation\">Validation</a> · <a href=\"#summary\">Summary</a> · <a href=\"#spend\">Spend</a></nav>")
    html.close("header")
    html.raw("<main>\n")
    validation.write(into: &html)
    summary.write(into: &html)
    spend.write(into: &html)
    html.close("main")
    html.raw("</body></html>\n")
    return html.bytes
  }

  /// Colours that read in greyscale (dark bars, white references with black outlines, marks
  /// ✔ and ✘ beside every verdict colour), and for print a new A4 page for each section.
  static let style = """
    :root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#111;background:#fff}
    body{margin:0 auto;max-width:1100px;padding:1rem 1.5rem;line-height:1.4}
    h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.4rem;border-bottom:3px solid #222;padding-bottom:.2rem;margin-top:2rem}
    h3{font-size:1.15rem;margin-top:1.6rem}h4{font-size:1rem;margin:1.2rem 0 .4rem}h5{font-size:.95rem;margin:.2rem 0}
    nav a{color:#0b3d91}.generated,.lead,.note,.code{color:#333}.code{font-family:ui-monospace,monospace;font-size:.8rem;margin:.1rem 0}
    table{border-collapse:collapse;margin:.4rem 0;font-size:.85rem}th,td{border:1px solid #999;padding:.15rem .4rem;text-align:left;vertical-align:top}
    thead th{background:#e8e8e8}td{font-variant-numeric:tabular-nums}
    .good{color:#0a5c1e;font-weight:bold}.bad{color:#9b1111;font-weight:bold}.warn{color:#7a4a00;font-weight:bold}
    .finding{border-left:4px solid #555;padding:.3rem .6rem;margin:.6rem 0;background:#fafafa}
    .finding.check{border-left-style:dashed}.count{font-weight:normal;color:#333}
    details{margin:.3rem 0}summary{cursor:pointer;color:#0b3d91}pre{white-space:pre-wrap;font-size:.8rem;background:#f2f2f2;padding:.4rem}
    .places table{font-size:.78rem}.values li{font-family:ui-monospace,monospace}
    figure.chart{margin:1rem 0;break-inside:avoid}figcaption{font-weight:bold;margin-bottom:.3rem}
    svg{max-width:100%;height:auto;font-size:11px}svg text{fill:#111}
    .bar{fill:#1d3f66;stroke:#000;stroke-width:.5}.reference{fill:#fff;stroke:#000;stroke-width:1}
    .grid{stroke:#ccc;stroke-width:1}.axisline{stroke:#000}.attribution{font-size:.75rem;color:#333;margin-top:2rem}
    @page{size:A4;margin:12mm}
    @media print{body{max-width:none;padding:0;font-size:10pt}nav{display:none}.report-section{break-before:page}
      .finding,table,figure{break-inside:avoid}summary{color:#111}a{color:#111;text-decoration:none}}
    """
}
