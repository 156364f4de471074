import ClusterKit
import RedisCore

/// A node to place in a new cluster, with the failure domain (host, Kubernetes node, zone) it shares fate with.
public struct PlannerNode: Hashable, Sendable, CustomStringConvertible {
  /// Where the node listens.
  public var address: NodeAddress
  /// The failure domain: nodes sharing it may fail together.
  public var domain: String

  /// A node whose failure domain is `domain`, or its host when `domain` is nil.
  public init(address: NodeAddress, domain: String? = nil) {
    self.address = address
    self.domain = domain ?? address.host
  }

  /// `host:port`, plus the domain in parentheses when it is not the host.
  public var description: String {
    domain == address.host ? address.description : "\(address) (\(domain))"
  }
}

/// How far a plan is from perfect anti-affinity. Compared lexicographically in field order; lower is better.
public struct AntiAffinityScore: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// Replicas in the same failure domain as their master.
  public var replicasWithMasterDomain: Int
  /// Sum over domains of (masters in the domain − 1), ignoring domains without masters.
  public var mastersSharingDomain: Int
  /// Sum over masters and domains of (that master's replicas in the domain − 1), ignoring empty domains.
  public var replicaSiblingsSharingDomain: Int

  /// A score from its three counts.
  public init(
    replicasWithMasterDomain: Int = 0, mastersSharingDomain: Int = 0, replicaSiblingsSharingDomain: Int = 0
  ) {
    self.replicasWithMasterDomain = replicasWithMasterDomain
    self.mastersSharingDomain = mastersSharingDomain
    self.replicaSiblingsSharingDomain = replicaSiblingsSharingDomain
  }

  /// True when no failure domain holds two nodes that should be apart.
  public var isPerfect: Bool { self == AntiAffinityScore() }

  /// `(a, b, c)` in field order.
  public var description: String {
    "(\(replicasWithMasterDomain), \(mastersSharingDomain), \(replicaSiblingsSharingDomain))"
  }

  public static func < (a: AntiAffinityScore, b: AntiAffinityScore) -> Bool {
    (a.replicasWithMasterDomain, a.mastersSharingDomain, a.replicaSiblingsSharingDomain)
      < (b.replicasWithMasterDomain, b.mastersSharingDomain, b.replicaSiblingsSharingDomain)
  }
}

/// The roles and slots of a cluster to create: masters with contiguous slot ranges, and their replicas.
public struct CreatePlan: Hashable, Sendable {
  /// A master and the slots it will own.
  public struct Master: Hashable, Sendable {
    /// The node that becomes a master.
    public var node: PlannerNode
    /// The slots it gets; masters' ranges are contiguous and in master order.
    public var slots: SlotRange

    /// A master owning `slots`.
    public init(node: PlannerNode, slots: SlotRange) {
      self.node = node
      self.slots = slots
    }
  }

  /// A replica of `masters[masterIndex]`.
  public struct Replica: Hashable, Sendable {
    /// The node that becomes a replica.
    public var node: PlannerNode
    /// Index into `CreatePlan.masters` of the master it replicates.
    public var masterIndex: Int

    /// A replica of the master at `masterIndex`.
    public init(node: PlannerNode, masterIndex: Int) {
      self.node = node
      self.masterIndex = masterIndex
    }
  }

  /// Masters in slot order.
  public var masters: [Master]
  /// Replicas, sorted by master.
  public var replicas: [Replica]
  /// The plan's anti-affinity score.
  public var score: AntiAffinityScore

  /// A plan; `score` is computed with `CreatePlanner.score` when omitted.
  public init(masters: [Master], replicas: [Replica], score: AntiAffinityScore? = nil) {
    self.masters = masters
    self.replicas = replicas
    self.score = AntiAffinityScore()
    self.score = score ?? CreatePlanner.score(self)
  }
}

/// Why no create plan can be made for the given nodes.
public enum CreatePlannerError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Fewer nodes than `masters × (replicas + 1)`.
  case tooFewNodes(needed: Int, got: Int, masters: Int, replicas: Int)
  /// A negative replica count was asked for.
  case negativeReplicas
  /// More masters than hash slots, so some master would get no slot.
  case tooManyMasters(Int)
  /// The same address appears twice in the node list.
  case duplicateNode(NodeAddress)

  public var description: String {
    switch self {
    case .tooFewNodes(let needed, let got, let masters, let replicas):
      return
        "a cluster needs at least \(needed) nodes for \(masters) masters with \(replicas) replica(s) each; "
        + "got \(got)"
    case .negativeReplicas:
      return "the replica count must be 0 or more"
    case .tooManyMasters(let count):
      return "a cluster has at most \(slotCount) masters (one slot each); this would make \(count)"
    case .duplicateNode(let address):
      return "node \(address) is listed more than once"
    }
  }
}
