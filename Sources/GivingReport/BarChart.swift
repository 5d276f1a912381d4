internal import Foundation

/// A bar chart drawn as inline SVG, with its title and a table of its numbers under it: the
/// page needs no script or font to show it, and the table reads out what the bars show.
///
/// Bars are filled dark, and a bar's reference (a decile's share of the population, say) is
/// drawn beside it white with a black outline, so the two read apart in greyscale too.
struct BarChart {
  /// Upright bars in a row (years) or bars lying one under the other (funders).
  enum Layout { case columns, rows }

  struct Bar {
    var label: String
    /// The length drawn, on the chart's scale.
    var length: Double
    /// A second length drawn beside the bar, on the same scale (`nil`: none).
    var reference: Double?
    /// The bar's `data-*` attributes: what the bar stands for, exactly.
    var data: KeyValuePairs<String, String>
    /// The row of the numbers table: one cell per ``BarChart/columns`` after the label.
    var cells: [String]
  }

  /// Names the chart in the page (`data-chart`).
  var id: String
  var title: String
  var layout: Layout
  var bars: [Bar]
  /// The table's headings: the label's first, then one per cell.
  var columns: [String]
  /// What the bars and references measure, for the legend.
  var barLegend: String
  var referenceLegend: String?
  /// Axis labels for a length.
  var axisText: (Double) -> String

  func write(into html: inout HTMLWriter) {
    html.open("figure", ["class": "chart", "data-chart": id])
    html.element("figcaption", ["id": "\(id)-title"], title)
    if bars.isEmpty {
      html.element("p", ["class": "empty"], "No grants to draw.")
    } else {
      switch layout {
      case .columns: writeColumns(into: &html)
      case .rows: writeRows(into: &html)
      }
    }
    writeTable(into: &html)
    html.close("figure")
  }

  /// The length of the axis: four round steps (1, 2, 2.5 or 5 times a power of ten), at
  /// least the longest bar.
  private var scale: Double {
    let longest = bars.map { max($0.length, $0.reference ?? 0) }.max() ?? 0
    guard longest > 0 else { return 1 }
    let rough = longest / 4
    let power = pow(10, floor(log10(rough)))
    let step = [1, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= rough } ?? rough
    return step * 4
  }

  private func svgStart(width: Double, height: Double, into html: inout HTMLWriter) {
    html.open(
      "svg",
      [
        "role": "img", "aria-labelledby": "\(id)-title",
        "width": Self.number(width), "height": Self.number(height), "viewBox": "0 0 \(Self.number(width)) \(Self.number(height))",
      ])
    html.element("title", title)
  }

  private func writeLegend(x: Double, y: Double, into html: inout HTMLWriter) {
    html.raw(#"<rect class="bar" x="\#(Self.number(x))" y="\#(Self.number(y - 9))" width="10" height="10"></rect>"#)
    html.open("text", ["x": Self.number(x + 14), "y": Self.number(y)])
    html.text(barLegend)
    html.close("text")
    if let referenceLegend {
      let x2 = x + 24 + Double(barLegend.count) * 6.5
      html.raw(#"<rect class="reference" x="\#(Self.number(x2))" y="\#(Self.number(y - 9))" width="10" height="10"></rect>"#)
      html.open("text", ["x": Self.number(x2 + 14), "y": Self.number(y)])
      html.text(referenceLegend)
      html.close("text")
    }
  }

  /// Gridlines at four even steps of the scale, labelled.
  private func gridSteps() -> [Double] { (1...4).map { scale * Double($0) / 4 } }

  private func writeColumns(into html: inout HTMLWriter) {
    let left = 64.0, top = 24.0, plotHeight = 220.0, bottom = 56.0
    let slot = max(14, min(64, 640 / Double(bars.count)))
    let width = left + slot * Double(bars.count) + 16
    svgStart(width: max(width, 360), height: top + plotHeight + bottom, into: &html)
    writeLegend(x: left, y: 14, into: &html)
    for step in gridSteps() {
      let y = top + plotHeight - step / scale * plotHeight
      html.raw(#"<line class="grid" x1="\#(Self.number(left))" x2="\#(Self.number(width - 8))" y1="\#(Self.number(y))" y2="\#(Self.number(y))"></line>"#)
      html.open("text", ["class": "axis", "x": Self.number(left - 4), "y": Self.number(y + 4), "text-anchor": "end"])
      html.text(axisText(step))
      html.close("text")
    }
    let paired = bars.contains { $0.reference != nil }
    let barWidth = slot * (paired ? 0.4 : 0.7)
    for (i, bar) in bars.enumerated() {
      let x = left + slot * Double(i) + slot * 0.1
      let height = bar.length / scale * plotHeight
      writeBar(bar, x: x, y: top + plotHeight - height, width: barWidth, height: height, into: &html)
      if let reference = bar.reference {
        let h = reference / scale * plotHeight
        html.raw(
          #"<rect class="reference" x="\#(Self.number(x + barWidth))" y="\#(Self.number(top + plotHeight - h))" width="\#(Self.number(barWidth))" height="\#(Self.number(h))"></rect>"#)
      }
      let labelX = x + (paired ? barWidth : barWidth / 2)
      let labelY = top + plotHeight + 14
      // Many labels are turned to fit under narrow bars.
      let turned = slot < 40
      html.open(
        "text",
        turned
          ? ["class": "label", "x": Self.number(labelX), "y": Self.number(labelY), "text-anchor": "end",
            "transform": "rotate(-45 \(Self.number(labelX)) \(Self.number(labelY)))"]
          : ["class": "label", "x": Self.number(labelX), "y": Self.number(labelY), "text-anchor": "middle"])
      html.text(bar.label)
      html.close("text")
    }
    html.raw(
      #"<line class="axisline" x1="\#(Self.number(left))" x2="\#(Self.number(width - 8))" y1="\#(Self.number(top + plotHeight))" y2="\#(Self.number(top + plotHeight))"></line>"#)
    html.close("svg")
  }

  private func writeRows(into html: inout HTMLWriter) {
    let labelWidth = 250.0, plotWidth = 380.0, rowHeight = 20.0, top = 24.0
    let height = top + rowHeight * Double(bars.count) + 8
    svgStart(width: labelWidth + plotWidth + 110, height: height, into: &html)
    writeLegend(x: labelWidth, y: 14, into: &html)
    for (i, bar) in bars.enumerated() {
      let y = top + rowHeight * Double(i)
      html.open("text", ["class": "label", "x": Self.number(labelWidth - 6), "y": Self.number(y + 14), "text-anchor": "end"])
      html.text(bar.label.count > 38 ? String(bar.label.prefix(37)) + "…" : bar.label)
      html.close("text")
      let length = bar.length / scale * plotWidth
      writeBar(bar, x: labelWidth, y: y + 3, width: length, height: rowHeight - 6, into: &html)
      html.open("text", ["class": "value", "x": Self.number(labelWidth + length + 4), "y": Self.number(y + 14)])
      html.text(axisText(bar.length))
      html.close("text")
    }
    html.close("svg")
  }

  private func writeBar(_ bar: Bar, x: Double, y: Double, width: Double, height: Double, into html: inout HTMLWriter) {
    html.raw(#"<rect class="bar" x="\#(Self.number(x))" y="\#(Self.number(y))" width="\#(Self.number(width))" height="\#(Self.number(height))""#)
    for (name, value) in bar.data {
      html.raw(" \(name)=\"")
      html.text(value)
      html.raw("\"")
    }
    html.raw(">")
    html.open("title")
    html.text("\(bar.label): \(bar.cells.first ?? "")")
    html.close("title")
    html.close("rect")
  }

  private func writeTable(into html: inout HTMLWriter) {
    html.open("details", ["class": "numbers"])
    html.element("summary", "The numbers of this chart")
    html.open("table")
    html.open("thead")
    html.open("tr")
    for column in columns { html.element("th", ["scope": "col"], column) }
    html.close("tr")
    html.close("thead")
    html.open("tbody")
    for bar in bars {
      html.open("tr")
      html.element("th", ["scope": "row"], bar.label)
      for cell in bar.cells { html.element("td", cell) }
      html.close("tr")
    }
    html.close("tbody")
    html.close("table")
    html.close("details")
  }

  /// A coordinate with at most one decimal.
  static func number(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
  }
}
