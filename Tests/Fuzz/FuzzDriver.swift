// The fuzz targets of GivingKit (see docs/fuzzing.md).
//
// Built as usual, `giving-fuzz TARGET FILE...` replays files through a target: a thrown
// `FeedError` is fine, anything else stops the process. Built with `-DGIVING_LIBFUZZER` and
// `--sanitize=fuzzer --sanitize=address` (`make fuzz`), it is a libFuzzer binary instead: libFuzzer
// provides `main`, and `GIVING_FUZZ_TARGET` names the target.

internal import Foundation
internal import GivingKit

#if GIVING_LIBFUZZER

/// The target named by `GIVING_FUZZ_TARGET`, read once.
private let target: FuzzTarget = {
  let name = ProcessInfo.processInfo.environment["GIVING_FUZZ_TARGET"] ?? ""
  guard let target = FuzzTarget(rawValue: name) else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    fatalError("giving-fuzz: set GIVING_FUZZ_TARGET to one of \(names) (not '\(name)')")
  }
  return target
}()

@_cdecl("LLVMFuzzerInitialize")
func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
  _ = target
  return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let bytes = size == 0 ? [] : [UInt8](UnsafeBufferPointer(start: data, count: size))
  do {
    try target.run(bytes)
  } catch is FeedError {
    // Refused input: expected.
  } catch {
    fatalError("giving-fuzz: \(target.rawValue) threw an error that is not a FeedError: \(error)")
  }
  return 0
}

#else

@main
enum FuzzDriver {
  static func main() {
    let arguments = CommandLine.arguments.dropFirst()
    guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
      let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
      FileHandle.standardError.write(Data("usage: giving-fuzz \(names) FILE...\n".utf8))
      exit(64)
    }
    for path in arguments.dropFirst() {
      guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("giving-fuzz: cannot read \(path)\n".utf8))
        exit(66)
      }
      do {
        try target.run([UInt8](data))
        print("\(path): read")
      } catch let error as FeedError {
        print("\(path): refused: \(error)")
      } catch {
        FileHandle.standardError.write(Data("giving-fuzz: \(path): not a FeedError: \(error)\n".utf8))
        exit(1)
      }
    }
  }
}

#endif
