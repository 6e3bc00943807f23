using System.Net;

namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>A real server's health as last decided, and its latest check result (null before the first).</summary>
public sealed record RealServerHealthStatus(string VirtualServer, IPEndPoint RealServer, bool Healthy, ProbeResult? LastResult, DateTimeOffset? LastCheck);
