/// The number of hash slots in a Redis Cluster.
public let slotCount = 16384
