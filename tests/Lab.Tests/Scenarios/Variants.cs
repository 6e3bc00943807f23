using KeepOperator.Lab.Tests.Lab;
using Xunit;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>The protocol variants the interop scenarios run with; all use VRID 51, n1 priority 100 and n2 priority 90.</summary>
public static class Variants
{
    public const string V2OneSecond = "v2-1s";
    public const string V3FiftyMs = "v3-50ms";
    public const string V3OneSecondIPv6 = "v3-1s-ipv6";
    public const string V3FiftyMsIPv6 = "v3-50ms-ipv6";

    public const string Vip4 = "10.77.0.250";
    public const string Vip6 = "fd77::250/64";

    /// <summary>Every variant: v2 at 1 s with PASS auth, v3 at 50 ms (IPv4), v3 IPv6 at 1 s and 50 ms.</summary>
    public static TheoryData<string> All => new(V2OneSecond, V3FiftyMs, V3OneSecondIPv6, V3FiftyMsIPv6);

    /// <summary>Variants at 1 s adverts, where Skew_Time and Master_Down_Interval are far enough apart to tell.</summary>
    public static TheoryData<string> OneSecond => new(V2OneSecond, V3OneSecondIPv6);

    public static VipSpec Spec(string variant, string? password = "lll", string name = "web", int vrid = 51) => variant switch
    {
        V2OneSecond => Make(name, vrid, 2, TimeSpan.FromSeconds(1), Vip4, password),
        V3FiftyMs => Make(name, vrid, 3, TimeSpan.FromMilliseconds(50), Vip4, null),
        V3OneSecondIPv6 => Make(name, vrid, 3, TimeSpan.FromSeconds(1), Vip6, null),
        V3FiftyMsIPv6 => Make(name, vrid, 3, TimeSpan.FromMilliseconds(50), Vip6, null),
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "unknown variant"),
    };

    private static VipSpec Make(string name, int vrid, int version, TimeSpan advert, string vip, string? password) =>
        new(name, vrid, version, advert, [vip], new Dictionary<string, int> { ["n1"] = 100, ["n2"] = 90 }, password);
}
