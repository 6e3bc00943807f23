using KeepOperator.Api;
using KeepOperator.Api.Manifests;

namespace KeepOperator.Operator.Convert;

/// <summary>
/// The kinds the converter writes and checks its output against. VirtualServer gets its ManifestKind (and validator)
/// in KeepOperator.Api with the CRDs; until that is registered in <see cref="ManifestKinds.All"/>, VirtualServer
/// documents are checked for structure and field types only.
/// </summary>
public static class ConvertManifestKinds
{
    public static IReadOnlyList<ManifestKind> All { get; } =
        ManifestKinds.All.Any(k => k.ObjectType == typeof(VirtualServer))
            ? ManifestKinds.All
            : [.. ManifestKinds.All, new ManifestKind<VirtualServer>(VirtualIp.GroupVersion, VirtualServer.KindName, ApiJsonContext.Strict.VirtualServer, (_, _) => [])];
}
