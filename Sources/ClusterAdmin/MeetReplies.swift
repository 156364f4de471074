import RESP
import RedisCore

/// Checks the replies to one node's pipeline of CLUSTER MEETs (create, add-node). Every MEET of
/// the pipeline ran, so each accepted one is a certain change, recorded when there is a ledger;
/// the first refusal is the error. The ledger names the node `recordedAs` (default: its address).
func checkMeetReplies(
  _ replies: [RESPValue], from node: NodeAddress, recordedAs name: String? = nil, to peers: [String],
  ledger: ChangeLedger?
) throws {
  let accepted = replies.filter { $0.errorMessage == nil }.count
  if accepted > 0 {
    ledger?.record(
      Change(.met, node: name ?? node.description, peer: accepted == 1 ? "1 node" : "\(accepted) nodes"))
  }
  if let (reply, peer) = zip(replies, peers).first(where: { $0.0.errorMessage != nil }) {
    throw OperationError("\(node) could not MEET \(peer): \(reply.errorMessage ?? "")")
  }
}
