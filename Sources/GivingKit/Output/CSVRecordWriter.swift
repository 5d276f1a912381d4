/// Writes RFC 4180 CSV records to an ``OutputFile``, buffering bytes and flushing in large blocks.
///
/// A field is quoted only when it contains a comma, a double quote, CR or LF; quotes inside are
/// doubled. Records end with CRLF (as Python's `csv.writer` does). A record of one empty field is
/// written as `""` so that it does not read back as a blank line.
///
/// ```swift
/// let out = try OutputFile(path: "grants.csv")
/// let writer = CSVRecordWriter(output: out)
/// try writer.write(["Identifier", "Title"])
/// try writer.write(["360G-x-1", "Books, \"new\""])
/// try writer.finish()
/// try out.commit()
/// ```
public final class CSVRecordWriter {
  public let output: OutputFile
  private var buffer: [UInt8] = []
  private let flushThreshold: Int
  private let lineTerminator: [UInt8]

  /// A writer appending to `output`, starting with a UTF-8 byte-order mark if `byteOrderMark`.
  public init(
    output: OutputFile, byteOrderMark: Bool = false, lineTerminator: String = "\r\n",
    flushThreshold: Int = 1 << 20
  ) {
    self.output = output
    self.flushThreshold = max(flushThreshold, 1)
    self.lineTerminator = Array(lineTerminator.utf8)
    buffer.reserveCapacity(self.flushThreshold + 4096)
    if byteOrderMark { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
  }

  /// Appends one record; `nil` fields are written empty.
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if a flush cannot write.
  public func write(_ fields: [String?]) throws {
    if fields.count == 1, fields[0]?.isEmpty ?? true {
      buffer.append(contentsOf: [0x22, 0x22])
    } else {
      for (index, field) in fields.enumerated() {
        if index > 0 { buffer.append(0x2C) }
        if let field { append(field) }
      }
    }
    buffer.append(contentsOf: lineTerminator)
    if buffer.count >= flushThreshold { try flush() }
  }

  /// Appends one record of non-optional fields.
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if a flush cannot write.
  public func write(_ fields: [String]) throws {
    try write(fields.map(Optional.some))
  }

  /// Writes the buffered bytes to the output.
  /// - Throws: ``FeedError/unreadable(file:reason:)``.
  public func flush() throws {
    guard !buffer.isEmpty else { return }
    try output.write(buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes what is left. The caller still commits (or discards) the ``OutputFile``.
  /// - Throws: ``FeedError/unreadable(file:reason:)``.
  public func finish() throws {
    try flush()
  }

  private func append(_ field: String) {
    var field = field
    field.withUTF8 { bytes in
      var needsQuotes = false
      for byte in bytes where byte == 0x2C || byte == 0x22 || byte == 0x0D || byte == 0x0A {
        needsQuotes = true
        break
      }
      guard needsQuotes else {
        buffer.append(contentsOf: bytes)
        return
      }
      buffer.append(0x22)
      for byte in bytes {
        if byte == 0x22 { buffer.append(0x22) }
        buffer.append(byte)
      }
      buffer.append(0x22)
    }
  }
}
