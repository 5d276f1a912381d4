import Foundation
import GivingTestSupport
import Testing

/// `giving report`, opened in a real browser (Debian's headless `chromium`, which `make test`
/// installs): what the rendered page shows is compared with what `giving validate --format json`
/// and `giving aggregate --format json` say of the same files, and the page is opened with every
/// host name resolving to nothing while Chromium logs every request it makes.
@Suite(.serialized) struct ReportCommandTests {
  static let now = "2026-11-25"
  static let chromium = "/usr/bin/chromium"

  /// A report of `fixtures`, and its DOM as Chromium rendered it.
  struct Rendered {
    var page: URL
    var dom: String
    /// The requests Chromium's NetLog recorded for the page (not Chromium's own).
    var pageRequests: [String]
    /// What Chromium printed: console messages, content-security-policy refusals.
    var log: String
  }

  static func folder(_ name: String) throws -> URL {
    let url = ScratchSpace.root.appendingPathComponent("report-\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func report(_ fixtures: [String], extra: [String] = []) throws -> URL {
    let page = try folder("page").appendingPathComponent("report.html")
    let paths = fixtures.map { FixturePaths.url($0).path }
    let result = try runGiving(["report", "--now", now, "-q", "-o", page.path] + extra + paths)
    #expect(result.status == 0, "giving report failed: \(result.standardError)")
    return page
  }

  /// Opens `page` in headless Chromium with no network (every host name maps to nothing),
  /// dumps its DOM and reads the NetLog of what it requested.
  static func render(_ page: URL, screenshot: URL? = nil) throws -> Rendered {
    try #require(
      FileManager.default.isExecutableFile(atPath: chromium),
      "\(chromium) is missing: the report tests open the page in a real browser; `make test` installs it (apt-get install chromium)")
    let scratch = try folder("chromium")
    let netLog = scratch.appendingPathComponent("netlog.json")
    var arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND",
      "--user-data-dir=\(scratch.appendingPathComponent("profile").path)", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--enable-logging=stderr", "--v=0", "--log-net-log=\(netLog.path)", "--hide-scrollbars",
    ]
    if let screenshot {
      arguments += ["--screenshot=\(screenshot.path)", "--window-size=1200,3000"]
    } else {
      arguments.append("--dump-dom")
    }
    arguments.append(page.absoluteString)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments = arguments
    let out = Pipe()
    let errFile = scratch.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: errFile.path, contents: nil)
    process.standardOutput = out
    process.standardError = try FileHandle(forWritingTo: errFile)
    try process.run()
    let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "chromium exited with \(process.terminationStatus)")
    return Rendered(
      page: page, dom: dom, pageRequests: try requests(inNetLog: netLog),
      log: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
  }

  /// The URLs of the requests a page made, from Chromium's NetLog: those whose network
  /// isolation key is the page's (`file://`), which leaves out Chromium's own update and
  /// account requests.
  static func requests(inNetLog url: URL) throws -> [String] {
    let log = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let events = try #require(log["events"] as? [[String: Any]])
    var sources: Set<Int> = []
    var urls: [Int: String] = [:]
    for event in events {
      guard let params = event["params"] as? [String: Any], let source = (event["source"] as? [String: Any])?["id"] as? Int
      else { continue }
      if let url = params["url"] as? String { urls[source] = url }
      if let key = params["network_isolation_key"] as? String, key.hasPrefix("file://") { sources.insert(source) }
    }
    return sources.compactMap { urls[$0] }.filter { !$0.hasPrefix("file:") && !$0.hasPrefix("data:") }.sorted()
  }

  static func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
  }

  // MARK: - Reading the rendered DOM

  /// The text of an element's content or an attribute, as the page means it.
  static func unescape(_ html: String) -> String {
    html.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
      .replacingOccurrences(of: "&nbsp;", with: "\u{A0}").replacingOccurrences(of: "&amp;", with: "&")
  }

  static func matches(_ pattern: String, in text: String) -> [[String]] {
    let regex = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
    let ns = text as NSString
    return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
      (0..<match.numberOfRanges).map { i in
        let range = match.range(at: i)
        return range.location == NSNotFound ? "" : ns.substring(with: range)
      }
    }
  }

  /// The `data-*` attributes of an opening tag.
  static func attributes(_ tag: String) -> [String: String] {
    var out: [String: String] = [:]
    for m in matches(#"(data-[a-z-]+)="([^"]*)""#, in: tag) { out[m[1]] = unescape(m[2]) }
    return out
  }

  /// Elements `<tag class="name…" …>…</tag>` that do not nest in each other, with their attributes and content.
  static func elements(_ tag: String, class name: String, in html: String) -> [(attributes: [String: String], content: String)] {
    matches(#"(<\#(tag) class="\#(name)[^"]*"[^>]*>)(.*?)</\#(tag)>"#, in: html).map { (attributes($0[1]), $0[2]) }
  }

  /// The validation section's findings, each up to the next finding or the end of its file.
  struct Finding {
    var attributes: [String: String]
    var places: [[String]]
    /// The JSON pointer of each place that has one (JSON files only).
    var pointers: [String]
    var explanation: String?
    var values: [String]
  }

  static func findings(in article: String) -> [Finding] {
    let starts = matches(#"<div class="finding[^"]*"[^>]*>"#, in: article)
    let parts = article.components(separatedBy: #"<div class="finding"#).dropFirst()
    return zip(starts, parts).map { start, part in
      let rows = matches(#"<tr class="place">(.*?)</tr>"#, in: part)
      let places = rows.map { row in matches(#"<td>(.*?)</td>"#, in: row[1]).map { unescape($0[1]) } }
      let pointers = rows.flatMap { row in matches(#"<td class="pointer">(.*?)</td>"#, in: row[1]).map { unescape($0[1]) } }
      let explanation = matches(#"<details class="explanation"[^>]*>.*?<pre>(.*?)</pre>"#, in: part).first.map { unescape($0[1]) }
      let values = matches(#"<li class="value">(.*?)</li>"#, in: part).map { unescape($0[1]) }
      return Finding(
        attributes: attributes(start[0]), places: places, pointers: pointers, explanation: explanation, values: values)
    }
  }

  /// A location of `validate --format json` as the page's place table shows it: file, sheet,
  /// cell or line, heading.
  static func placeCells(_ location: [String: Any]?) -> [String] {
    guard let location else { return ["", "", "", ""] }
    var cell = ""
    if let line = location["line"] as? Int {
      cell = (location["column"] as? Int).map { "line \(line), column \($0)" } ?? "line \(line)"
    } else if let letter = location["columnLetter"] as? String, let row = location["row"] as? Int {
      cell = "\(letter)\(row)"
    } else if let row = location["row"] as? Int {
      cell = "row \(row)"
    }
    return [location["file"] as? String ?? "", location["sheet"] as? String ?? "", cell, location["heading"] as? String ?? ""]
  }

  // MARK: - Tests

  @Test(arguments: ["sample/grants.csv", "sample/dirty.csv", "sample/grants.json"])
  func renderedValidationEqualsValidateJSON(fixture: String) throws {
    let rendered = try Self.render(try Self.report([fixture]))
    let validate = try runGiving(["validate", "--format", "json", "--now", Self.now, "--max-locations", "1000", FixturePaths.url(fixture).path])
    let report = try #require(try Self.json(validate.standardOutput) as? [String: Any])
    let file = try #require((report["files"] as? [[String: Any]])?.first)

    let articles = Self.elements("article", class: "file", in: rendered.dom)
    try #require(articles.count == 1)
    let (article, content) = articles[0]
    #expect(article["data-file"] == file["file"] as? String)
    #expect(article["data-valid"] == String(file["valid"] as? Bool ?? false))
    #expect(article["data-grants"] == String(file["grants"] as? Int ?? -1))
    #expect(article["data-schema-errors"] == String(file["schemaErrorCount"] as? Int ?? -1))
    #expect(article["data-codelist-errors"] == String(file["codelistErrorCount"] as? Int ?? -1))
    let verdict = try #require(Self.elements("tr", class: "verdict", in: rendered.dom).first)
    #expect(verdict.content.contains((file["valid"] as? Bool ?? false) ? "✔ valid" : "✘ invalid"))

    let findings = Self.findings(in: content)
    var explained: Set<String> = []
    func checkExplanation(_ finding: Finding, code: String) throws {
      guard !explained.contains(code) else { return }
      explained.insert(code)
      let explain = try runGiving(["explain", code])
      #expect(finding.explanation == explain.standardOutput.trimmingCharacters(in: .newlines), "explanation of \(code)")
    }

    // Schema errors: one finding per validator, path and message, with every place in order.
    let errors = file["schemaErrors"] as? [[String: Any]] ?? []
    var kinds: [String] = []
    var byKind: [String: [[String: Any]]] = [:]
    for error in errors {
      let kind = ["validator", "pathNoNumber", "message"].map { error[$0] as? String ?? "" }.joined(separator: "\u{0}")
      if byKind[kind] == nil { kinds.append(kind) }
      byKind[kind, default: []].append(error)
    }
    let schemaFindings = findings.filter { $0.attributes["data-kind"] == "schema" }
    #expect(schemaFindings.count == kinds.count)
    for finding in schemaFindings {
      let a = finding.attributes
      let kind = [a["data-validator"] ?? "", a["data-path"] ?? "", a["data-message"] ?? ""].joined(separator: "\u{0}")
      let expected = try #require(byKind[kind], "a schema finding validate does not report: \(kind)")
      #expect(a["data-count"] == String(expected.count))
      #expect(a["data-group"] == expected[0]["group"] as? String)
      var rows: [[String]] = []
      var pointers: [String] = []
      for error in expected {
        let locations = (error["locations"] as? [[String: Any]]) ?? [error["location"] as? [String: Any]].compactMap { $0 }
        for location in locations { rows.append(Self.placeCells(location) + [error["path"] as? String ?? ""]) }
        pointers += locations.compactMap { $0["pointer"] as? String }
      }
      #expect(finding.pointers == pointers)
      // The value is compared as JSON: the page shows it as giving writes JSON.
      #expect(finding.places.map { Array($0[0..<4]) + [$0[5]] } == rows)
      for (row, error) in zip(finding.places, expected) where !(error["value"] is NSNull) && error["value"] != nil {
        let shown = try Self.json(row[4]) as? NSObject
        #expect(shown == error["value"] as? NSObject, "value at \(row)")
      }
      try checkExplanation(finding, code: a["data-validator"] ?? "")
    }

    // Codelist errors: the values not in each codelist.
    let codelists = file["codelistErrors"] as? [[String: Any]] ?? []
    let codelistFindings = findings.filter { $0.attributes["data-kind"] == "codelist" }
    #expect(codelistFindings.map { $0.attributes["data-path"] ?? "" } == codelists.map { $0["path"] as? String ?? "" })
    for (finding, error) in zip(codelistFindings, codelists) {
      #expect(finding.values == error["values"] as? [String])
      try checkExplanation(finding, code: "codelist")
    }

    // Checks: accuracy then usefulness, most important first, each with every place.
    let checks = file["checks"] as? [[String: Any]] ?? []
    let checkFindings = findings.filter { $0.attributes["data-kind"] == "check" }
    #expect(Set(checkFindings.map { $0.attributes["data-type"] ?? "" }) == Set(checks.map { $0["type"] as? String ?? "" }))
    #expect(checkFindings.count == checks.count)
    let importances = checkFindings.map { Int($0.attributes["data-importance"] ?? "") ?? -1 }
    let categories = checkFindings.map { finding in checks.first { $0["type"] as? String == finding.attributes["data-type"] }?["category"] as? String ?? "" }
    for i in importances.indices.dropFirst() where categories[i] == categories[i - 1] {
      #expect(importances[i] <= importances[i - 1], "checks sorted by importance")
    }
    #expect((categories.firstIndex(of: "usefulness") ?? Int.max) > (categories.lastIndex(of: "quality") ?? -1), "accuracy before usefulness")
    for finding in checkFindings {
      let type = finding.attributes["data-type"] ?? ""
      let check = try #require(checks.first { $0["type"] as? String == type })
      #expect(finding.attributes["data-count"] == String(check["count"] as? Int ?? -1))
      let locations = check["locations"] as? [[String: Any]] ?? []
      let rows = locations.map { Self.placeCells($0["location"] as? [String: Any]) + ["", $0["path"] as? String ?? ""] }
      #expect(finding.places == rows, "places of \(type)")
      #expect(finding.pointers == locations.compactMap { ($0["location"] as? [String: Any])?["pointer"] as? String })
      if fixture.hasSuffix(".json") { #expect(finding.pointers.count == locations.count, "every JSON place has its pointer") }
      try checkExplanation(finding, code: type)
    }
  }

  @Test func unreadableFileIsReportedLikeValidateAndTheOthersStillAre() throws {
    let page = try Self.folder("unreadable").appendingPathComponent("report.html")
    let bad = FixturePaths.url("real/dataquality/fundingproviders-grants_malformed.json").path
    let good = FixturePaths.url("sample/grants.csv").path
    let result = try runGiving(["report", "--now", Self.now, "-q", "-o", page.path, bad, good])
    let validate = try runGiving(["validate", "--now", Self.now, "-q", bad, good])
    #expect(result.status == 2)
    #expect(validate.status == 2)
    let errorLine = try #require(validate.standardError.split(separator: "\n").first { $0.hasPrefix("giving: error:") })
    #expect(result.standardError.contains(errorLine))
    let rendered = try Self.render(page)
    let articles = Self.elements("article", class: "file", in: rendered.dom)
    #expect(articles.map { $0.attributes["data-readable"] } == ["false", "true"])
    #expect(rendered.dom.contains("data-chart=\"year-GBP\""))
  }

  /// Bars as drawn: for each chart, each bar's key and exact value.
  static func bars(in dom: String) -> [String: [(key: String, value: String)]] {
    var charts: [String: [(String, String)]] = [:]
    for figure in elements("figure", class: "chart", in: dom) {
      let rects = matches(#"<rect class="bar"[^>]*data-key="([^"]*)"[^>]*data-value="([^"]*)""#, in: figure.content)
      charts[figure.attributes["data-chart"] ?? ""] = rects.map { (unescape($0[1]), $0[2]) }
    }
    return charts
  }

  static func aggregate(_ key: String, _ paths: [String], extra: [String] = []) throws -> [[String: Any]] {
    let result = try runGiving(["aggregate", "--by", key, "--format", "json", "-q"] + extra + paths)
    #expect(result.status == 0, "aggregate failed: \(result.standardError)")
    let json = try #require(try json(result.standardOutput) as? [String: Any])
    return json["groups"] as? [[String: Any]] ?? []
  }

  @Test(arguments: [[String](), ["--from", "2019-01-01", "--funder-type", "charity"]])
  func chartBarsEqualAggregateJSON(filters: [String]) throws {
    let fixtures = ["sample/grants.csv", "sample/dirty.csv"]
    let paths = fixtures.map { FixturePaths.url($0).path }
    let rendered = try Self.render(try Self.report(fixtures, extra: filters))
    let charts = Self.bars(in: rendered.dom)
    let years = try Self.aggregate("year", paths, extra: filters)
    let currencies = Set(years.map { $0["currency"] as? String ?? "" })
    #expect(!currencies.isEmpty)
    for currency in currencies {
      let expected = years.filter { $0["currency"] as? String == currency }.map {
        (($0["key"] as? [String: Any])?["year"] as? String ?? "", $0["total"] as? String ?? "")
      }
      let drawn = try #require(charts["year-\(currency)"])
      #expect(drawn.map(\.key) == expected.map(\.0))
      #expect(drawn.map(\.value) == expected.map(\.1))

      for (key, chart) in [("funder", "funders"), ("recipient", "recipients")] {
        let groups = try Self.aggregate(key, paths, extra: filters).filter { $0["currency"] as? String == currency }
          .map { (($0["key"] as? [String: Any])?[key] as? String ?? "", Decimal(string: $0["total"] as? String ?? "") ?? -1, $0["total"] as? String ?? "") }
          .sorted { ($1.1, $0.0) < ($0.1, $1.0) }
        let drawn = try #require(charts["\(chart)-\(currency)"])
        let top = groups.prefix(20)
        #expect(drawn.prefix(20).map(\.key) == top.map(\.0))
        #expect(drawn.prefix(20).map(\.value) == top.map(\.2))
        if groups.count > 20 {
          let others = groups.dropFirst(20).reduce(Decimal.zero) { $0 + $1.1 }
          #expect(drawn.count == 21)
          #expect(drawn.last?.key.hasPrefix("all others") == true)
          #expect(Decimal(string: drawn.last?.value ?? "") == others)
        } else {
          #expect(drawn.count == groups.count)
        }
      }

      let deciles = try Self.aggregate("imd-decile", paths, extra: filters).filter { $0["currency"] as? String == currency }
      var byNation: [String: [String: String]] = [:]
      for group in deciles {
        let key = group["key"] as? [String: Any] ?? [:]
        let nation = key["nation"] as? String ?? ""
        byNation[nation, default: [:]]["\(nation) \(key["decile"] as? Int ?? 0)"] = group["total"] as? String
      }
      #expect(!byNation.isEmpty)
      for (nation, totals) in byNation {
        let drawn = try #require(charts["decile-\(nation)-\(currency)"])
        #expect(drawn.count == 10)
        for bar in drawn { #expect(bar.value == totals[bar.key] ?? "0", "\(bar.key)") }
      }
    }
  }

  @Test func textFromTheDataCannotMakeMarkup() throws {
    // The sample with its largest funder's identifier made into markup, which the page must
    // show as text (in the chart's label and its data-key) and never turn into elements.
    let hostile = #"<b id="injected">x</b>&'y"#
    let sample = try String(contentsOf: FixturePaths.url("sample/grants.csv"), encoding: .utf8)
    let csvField = "\"" + hostile.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    let file = try Self.folder("hostile").appendingPathComponent("grants.csv")
    try sample.replacingOccurrences(of: "GB-COH-07806245", with: csvField).write(to: file, atomically: true, encoding: .utf8)
    let page = file.deletingLastPathComponent().appendingPathComponent("report.html")
    let result = try runGiving(["report", "--now", Self.now, "-q", "-o", page.path, file.path])
    #expect(result.status == 0, "\(result.standardError)")
    let rendered = try Self.render(page)
    #expect(!rendered.dom.contains("<b id="), "an element made from the data")
    #expect(rendered.dom.contains("&lt;b id="))
    let funders = try #require(Self.bars(in: rendered.dom)["funders-GBP"])
    #expect(funders.first?.key == hostile)
  }

  @Test func pageFetchesNothingAndRendersToAnImage() throws {
    let page = try Self.report(["sample/grants.csv", "sample/dirty.csv"])
    let html = try String(contentsOf: page, encoding: .utf8)
    // No attribute names anything outside the page: links go to its own sections only.
    #expect(Self.matches(#"\b(src|href|xlink:href|action|srcset)\s*=\s*"(?!#)"#, in: html).isEmpty)
    #expect(!html.contains("<script"))
    #expect(!html.contains("@import") && !html.contains("url("))

    let rendered = try Self.render(page)
    #expect(rendered.pageRequests.isEmpty, "the page requested \(rendered.pageRequests)")
    #expect(!rendered.log.contains("Content Security Policy"), "a fetch was refused: \(rendered.log)")
    #expect(!rendered.log.contains("CONSOLE"), "the page wrote to the console: \(rendered.log)")

    // The check can fail: a page that asks for an image is caught, though no host resolves.
    let probe = try Self.folder("probe").appendingPathComponent("probe.html")
    try #"<!DOCTYPE html><html><body><img src="http://example.org/a.png"></body></html>"#.write(to: probe, atomically: true, encoding: .utf8)
    #expect(try Self.render(probe).pageRequests == ["http://example.org/a.png"])

    let png = try Self.folder("shot").appendingPathComponent("report.png")
    _ = try Self.render(page, screenshot: png)
    let image = try Data(contentsOf: png)
    #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    #expect(image.count > 10_000)
  }
}
