internal import Foundation
import Synchronization

/// A value for each thread that asks for one, made on its first use there.
///
/// For state that threads only read but would otherwise share: reading a Swift object takes
/// and drops a reference to it, an atomic write to the object's own memory, so two threads
/// reading the same objects keep taking that memory from each other. Measured: validating 1M
/// grants of CSV on two workers, the compiled schema's nodes, shared, made its walk three
/// times as slow as with a copy per worker (18% of all the CPU time).
///
/// The first thread to ask gets the value made with `isFirst` (the caller's own, usually);
/// each thread keeps its value until it asks another `PerThread`, or ends.
final class PerThread<Value: AnyObject>: Sendable {
  private let make: @Sendable (_ isFirst: Bool) -> Value
  private let generation: Int
  private let claimed = Atomic<Bool>(false)

  init(_ make: @escaping @Sendable (_ isFirst: Bool) -> Value) {
    self.make = make
    generation = ThreadSlot.generations.add(1, ordering: .relaxed).newValue
  }

  /// This thread's value.
  var current: Value {
    let slot = ThreadSlot.current()
    if slot.generation == generation, let value = slot.value as? Value { return value }
    let isFirst = !claimed.exchange(true, ordering: .relaxed)
    let value = make(isFirst)
    slot.generation = generation
    slot.value = value
    return value
  }
}

/// What one thread holds for ``PerThread``: the value of the one it asked last.
private final class ThreadSlot {
  var generation = 0
  var value: AnyObject?

  /// Numbers each ``PerThread``, so that a slot knows whose value it holds.
  static let generations = Atomic<Int>(0)

  /// The key of every thread's slot, for the life of the process; a thread's slot is released
  /// when it ends.
  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { pointer in
      guard let pointer else { return }
      Unmanaged<AnyObject>.fromOpaque(pointer).release()
    }
    return key
  }()

  /// This thread's slot.
  static func current() -> ThreadSlot {
    if let pointer = pthread_getspecific(key) { return Unmanaged<ThreadSlot>.fromOpaque(pointer).takeUnretainedValue() }
    let slot = ThreadSlot()
    pthread_setspecific(key, Unmanaged.passRetained(slot).toOpaque())
    return slot
  }
}
