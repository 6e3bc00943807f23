namespace KeepOperator.Api.Vocabulary;

/// <summary>The reasons of a VirtualServer's Ready condition (its only condition type: <see cref="ConditionTypes.Ready"/>).</summary>
public static class VirtualServerReasons
{
    // Withheld from the agents:
    public const string InvalidSpec = "InvalidSpec";
    public const string VirtualIpNotFound = "VirtualIpNotFound";
    public const string VirtualIpNotServed = "VirtualIpNotServed";
    public const string AddressNotOnVirtualIp = "AddressNotOnVirtualIp";
    public const string ServiceNotFound = "ServiceNotFound";
    public const string ServicePortNotFound = "ServicePortNotFound";

    // Given to the agents:
    public const string NoMaster = "NoMaster";
    public const string NotProgrammed = "NotProgrammed";
    public const string NoHealthyRealServers = "NoHealthyRealServers";
    public const string ForwardingUnsupported = "ForwardingUnsupported"; // the master's dataplane refuses it (DR or TUN without IPVS)
    public const string Serving = "Serving";
}
