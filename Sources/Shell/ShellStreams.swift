import ClusterKit
import RESP
import RedisClient
import RedisCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A stream whose first frame has been read (the subscription's confirmation, MONITOR's OK, or the
/// error that refused it), and the iterator positioned after it.
struct OpenedStream {
  var stream: NodeStream
  var frames: AsyncThrowingStream<RESPValue, any Error>.Iterator
  var first: RESPValue
}

/// SSUBSCRIBE could not find its slot's owner in time; names what it waited for.
struct ShardOwnerNotFound: Error, CustomStringConvertible {
  var slot: Int
  var bound: Duration
  var lastAnswer: String

  var description: String {
    "no master took SSUBSCRIBE for slot \(slot) within \(bound.shortText) (last answer: \(lastAnswer))"
  }
}

/// The bounded search for a shard channel slot's owner: exponential backoff up to a deadline.
struct OwnerSearch {
  var slot: Int
  var deadline: ContinuousClock.Instant
  var backoff: Duration = .milliseconds(50)
  var lastAnswer = "none"

  /// Waits before the next try, or throws `ShardOwnerNotFound` when that would pass the deadline.
  mutating func pause() async throws {
    guard ContinuousClock.now + backoff < deadline else {
      throw ShardOwnerNotFound(slot: slot, bound: ShellSession.shardOwnerBound, lastAnswer: lastAnswer)
    }
    try await Task.sleep(for: backoff)
    backoff = min(backoff * 2, .seconds(1))
  }
}

extension ShellSession {
  /// How long SSUBSCRIBE looks for its slot's owner (following MOVED, waiting out TRYAGAIN,
  /// CLUSTERDOWN, ASK), at the start and again each time the slot moves away.
  static let shardOwnerBound: Duration = .seconds(10)

  /// SUBSCRIBE, PSUBSCRIBE, MONITOR (on the node in the prompt) and SSUBSCRIBE (on the owner of
  /// its channels' slot): every frame is shown as it comes, until Ctrl-C cancels the task, which
  /// closes the stream's connection, or the connection ends. When a shard channel's slot moves,
  /// the server drops the subscription (`sunsubscribe`); the shell then subscribes again at the new
  /// owner. False when the command was refused or the connection failed.
  func stream(_ command: StreamingCommand, _ args: [[UInt8]]) async -> Bool {
    var shardSlot: Int?
    // A server outside cluster mode serves every shard channel itself.
    if command == .ssubscribe, await router.isCluster {
      switch ShardChannels.slot(of: Array(args.dropFirst())) {
      case .failure(let error):
        writeError("(error) \(error)")
        return false
      case .success(let slot): shardSlot = slot
      }
    }
    let channels = Set(args.dropFirst())
    var opened: OpenedStream
    do {
      opened = try await openStream(args, shardSlot: shardSlot)
    } catch is CancellationError {
      return true
    } catch {
      writeError("(error) \(error)")
      return false
    }
    if interactive { writeError("Reading messages from \(opened.stream.node)... (press Ctrl-C to stop)") }
    show(opened.first)
    if opened.first.isError {
      await opened.stream.close()
      return false
    }
    var dropsReported = 0
    var subscribed = channels
    do {
      while true {
        guard let frame = try await opened.frames.next() else { break }  // cancelled: Ctrl-C
        show(frame)
        let dropped = opened.stream.droppedFrames
        if dropped > dropsReported {
          writeError("(\(dropped - dropsReported) messages dropped: the output could not keep up)")
          dropsReported = dropped
        }
        guard let slot = shardSlot, let channel = PubSubFrame(frame)?.shardChannelDropped else { continue }
        subscribed.remove(channel)
        guard subscribed.isEmpty else { continue }
        // The slot left this node (a reshard, a failover): every channel was dropped. Ask that
        // node where the slot went and subscribe again there. (A replica of the owner would also
        // take SSUBSCRIBE, but right after a failover its new master may not yet send it messages.)
        let from = opened.stream.node
        await opened.stream.close()
        await router.reloadSlots(preferring: from)
        opened = try await openStream(args, shardSlot: slot)
        let to = opened.stream.node
        writeError(
          to == from
            ? "(\(from) dropped the subscription to slot \(slot): subscribed again there)"
            : "(slot \(slot) moved from \(from) to \(to): subscribed again there)")
        show(opened.first)
        if opened.first.isError {
          await opened.stream.close()
          return false
        }
        subscribed = channels
        dropsReported = 0
      }
    } catch is CancellationError {
    } catch {
      writeError("(error) \(error)")
      await opened.stream.close()
      return false
    }
    await opened.stream.close()
    return true
  }

  /// Opens the stream and reads its first frame (bounded by the connection's reply timeout). For
  /// SSUBSCRIBE, a MOVED answer is followed to the owner it names, and ASK, TRYAGAIN, CLUSTERDOWN
  /// or an owner that cannot be reached are retried with backoff, all within `shardOwnerBound`.
  func openStream(_ args: [[UInt8]], shardSlot: Int?) async throws -> OpenedStream {
    var target = await router.streamTarget(shardSlot: shardSlot)
    guard let slot = shardSlot else { return try await openStream(args, at: target) }
    var search = OwnerSearch(slot: slot, deadline: .now + Self.shardOwnerBound)
    var movedInARow = 0
    while true {
      let opened: OpenedStream
      do {
        opened = try await openStream(args, at: target)
      } catch let error as ConnectionError {
        // Not reached, or no answer (subscribing again is harmless: that connection is gone).
        // Ask the other nodes who owns the slot now.
        search.lastAnswer = "\(error)"
        try await search.pause()
        try? await router.reloadSlots(avoiding: target)
        target = await router.streamTarget(shardSlot: slot)
        continue
      }
      guard let message = opened.first.errorMessage else { return opened }
      let error = ServerError(message)
      guard error.redirect != nil || error.isTransient else { return opened }
      await opened.stream.close()
      search.lastAnswer = "\(message) from \(target)"
      if let redirect = error.redirect, redirect.kind == .moved {
        let owner = redirect.address(relativeTo: target)
        await router.learnOwner(ofSlot: redirect.slot, owner)
        target = owner
        movedInARow += 1
        // Nodes that disagree while a slot moves can send us back and forth: slow down.
        if movedInARow > 2 { try await search.pause() }
      } else {
        // TRYAGAIN, CLUSTERDOWN… or ASK: the slot is being migrated. Subscribing at the importing
        // node would miss what is published at the owner meanwhile; the move ends in a MOVED.
        try await search.pause()
      }
    }
  }

  private func openStream(_ args: [[UInt8]], at node: NodeAddress) async throws -> OpenedStream {
    let stream = try await router.openStream(args, at: node)
    var frames = stream.frames.makeAsyncIterator()
    do {
      guard let first = try await frames.next() else { throw CancellationError() }
      return OpenedStream(stream: stream, frames: frames, first: first)
    } catch {
      await stream.close()
      throw error
    }
  }

  /// Prints one frame as the shell prints replies, at once: a reader at the other end of a pipe
  /// sees each message when it comes, not when a buffer fills.
  private func show(_ frame: RESPValue) {
    write(render(frame))
    fflush(nil)
  }
}
