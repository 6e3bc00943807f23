namespace KeepOperator.Api.Tests.Crds;

/// <summary>
/// VirtualIp fields that are nullable in C# but required by <see cref="VirtualIpValidator"/>, and so by the CRD:
/// for each, how to take it out of <see cref="Full"/> and the error the validator must then report.
/// </summary>
internal static class ValidatorRequiredFields
{
    public static IReadOnlyDictionary<string, (Action<VirtualIpSpec> Remove, string ErrorPath)> VirtualIp { get; } =
        new Dictionary<string, (Action<VirtualIpSpec>, string)>
        {
            ["spec.authentication.passwordSecretRef.name"] = (s => s.Authentication!.PasswordSecretRef!.Name = null, "spec.authentication.passwordSecretRef.name"),
            ["spec.authentication.passwordSecretRef.key"] = (s => s.Authentication!.PasswordSecretRef!.Key = null, "spec.authentication.passwordSecretRef.key"),
            ["spec.priorities[].nodeName"] = (s => s.Priorities![0].NodeName = null, "spec.priorities[0].nodeName"),
            ["spec.priorities[].priority"] = (s => s.Priorities![0].Priority = null, "spec.priorities[0].priority"),
            ["spec.track[].name"] = (s => s.Track![0].Name = null, "spec.track[0].name"),
            ["spec.track[].tcp.port"] = (s => s.Track![0].Tcp!.Port = null, "spec.track[0].tcp.port"),
            ["spec.track[].http.url"] = (s => s.Track![1].Http!.Url = null, "spec.track[1].http.url"),
            ["spec.trackInterfaces[].name"] = (s => s.TrackInterfaces![0].Name = null, "spec.trackInterfaces[0].name"),
            ["spec.webhooks[].urlSecretRef.name"] = (s => s.Webhooks![0].UrlSecretRef!.Name = null, "spec.webhooks[0].urlSecretRef.name"),
            ["spec.webhooks[].urlSecretRef.key"] = (s => s.Webhooks![0].UrlSecretRef!.Key = null, "spec.webhooks[0].urlSecretRef.key"),
            ["spec.connectionSync.interface"] = (s => s.ConnectionSync!.Interface = null, "spec.connectionSync.interface"),
        };

    /// <summary>A valid VirtualIp using every object that has such a field.</summary>
    public static VirtualIp Full() => new()
    {
        Metadata = new ObjectMeta { Name = "full" },
        Spec = new VirtualIpSpec
        {
            Addresses = ["10.0.0.5"],
            Authentication = new VrrpAuthentication { PasswordSecretRef = new SecretKeySelector { Name = "vrrp", Key = "password" } },
            Priorities = [new NodePriority { NodeName = "n1", Priority = 100 }],
            Track =
            [
                new TrackCheck { Name = "api", Tcp = new TcpCheck { Port = 6443 } },
                new TrackCheck { Name = "web", Http = new HttpCheck { Url = "http://127.0.0.1/healthz" } },
            ],
            TrackInterfaces = [new TrackInterface { Name = "eth1" }],
            Webhooks = [new VrrpWebhook { UrlSecretRef = new SecretKeySelector { Name = "hooks", Key = "url" } }],
            ConnectionSync = new ConnectionSync { Interface = "eth1" },
        },
    };
}
