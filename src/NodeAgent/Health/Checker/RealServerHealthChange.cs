using System.Net;

namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>A verdict on a real server, for the dataplane: the check result that decided it and when.</summary>
public sealed record RealServerHealthChange(string VirtualServer, IPEndPoint RealServer, bool Healthy, string Message, TimeSpan Latency, DateTimeOffset At);
