internal import Foundation

/// A bounded queue of batches between one producing thread and one consuming thread, ending
/// with the producer's `Outcome` (or its error).
final class BatchQueue<Item, Outcome>: @unchecked Sendable {
  private let condition = NSCondition()
  private var batches: [[Item]] = []
  private var head = 0
  private let capacity: Int
  private var outcome: Result<Outcome, any Error>?
  private var isCancelled = false

  init(capacity: Int) { self.capacity = max(1, capacity) }

  /// Waits for room; returns `false` if the consumer has gone.
  func push(_ batch: [Item]) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while batches.count - head >= capacity && !isCancelled { condition.wait() }
    if isCancelled { return false }
    batches.append(batch)
    condition.broadcast()
    return true
  }

  /// The next batch, or `nil` once the reader has finished and everything was taken.
  func pop() -> [Item]? {
    condition.lock()
    defer { condition.unlock() }
    while head == batches.count && outcome == nil { condition.wait() }
    guard head < batches.count else { return nil }
    let batch = batches[head]
    batches[head] = []
    head += 1
    if head > 64 && head * 2 > batches.count {
      batches.removeFirst(head)
      head = 0
    }
    condition.broadcast()
    return batch
  }

  /// How many batches wait for the consumer.
  var backlog: Int {
    condition.lock()
    defer { condition.unlock() }
    return batches.count - head
  }

  func finish(_ result: Result<Outcome, any Error>) {
    condition.lock()
    outcome = result
    condition.broadcast()
    condition.unlock()
  }

  func cancel() {
    condition.lock()
    isCancelled = true
    condition.broadcast()
    condition.unlock()
  }

  func waitUntilFinished() {
    condition.lock()
    while outcome == nil { condition.wait() }
    condition.unlock()
  }

  func result() -> Result<Outcome, any Error> {
    condition.lock()
    defer { condition.unlock() }
    return outcome ?? .failure(CancellationError())
  }
}

extension BatchQueue {
  /// Runs `produce` on a second thread, which hands items on through its argument; they reach
  /// `consume` on this thread in order, in batches of `batchSize`, with at most `depth` batches
  /// waiting, so memory stays bounded. An error on either side stops both and is rethrown.
  static func pipeline(
    batchSize: Int, depth: Int,
    produce: @escaping @Sendable (_ add: (Item) throws -> Void) throws -> Outcome,
    consume: (Item) throws -> Void
  ) throws -> Outcome {
    try pipeline(batchSize: batchSize, depth: depth, produce: { add, _ in try produce(add) }, consume: consume)
  }

  /// Like ``pipeline(batchSize:depth:produce:consume:)``, with `backlog` telling the producer
  /// how many batches wait for the consumer, so that it can take on work the consumer would
  /// otherwise do when the consumer falls behind.
  static func pipeline(
    batchSize: Int, depth: Int,
    produce: @escaping @Sendable (_ add: (Item) throws -> Void, _ backlog: () -> Int) throws -> Outcome,
    consume: (Item) throws -> Void
  ) throws -> Outcome {
    let queue = BatchQueue(capacity: depth)
    let reader = Thread {
      var batch: [Item] = []
      batch.reserveCapacity(batchSize)
      do {
        let outcome = try produce(
          { item in
            batch.append(item)
            if batch.count == batchSize {
              guard queue.push(batch) else { throw CancellationError() }
              batch.removeAll(keepingCapacity: true)
            }
          },
          { queue.backlog })
        if !batch.isEmpty { _ = queue.push(batch) }
        queue.finish(.success(outcome))
      } catch {
        // What was read before the error is still handed on, as a sequential read would.
        if !batch.isEmpty { _ = queue.push(batch) }
        queue.finish(.failure(error))
      }
    }
    reader.stackSize = 16 << 20
    reader.start()
    do {
      while let batch = queue.pop() {
        for item in batch { try consume(item) }
      }
    } catch {
      queue.cancel()
      queue.waitUntilFinished()
      throw error
    }
    return try queue.result().get()
  }
}
