using System.Net;

namespace KeepOperator.Api.Instances;

/// <summary>A node's InternalIP addresses, as the operator reads them from its status.</summary>
public sealed record NodeAddresses(string Name, IReadOnlyList<IPAddress> Addresses);
