using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace KeepOperator.Api;

/// <summary>
/// Semantic rules for a <see cref="VirtualIp"/> (structure and types are checked while reading).
/// Every rule reports its field path and a message naming the rule and the offending value.
/// </summary>
public static partial class VirtualIpValidator
{
    /// <summary>The largest UDP payload: 65535 less the IPv4 and UDP headers.</summary>
    public const int MaxSyncPacketLength = 65535 - 20 - 8;

    public static IReadOnlyList<FieldError> Validate(VirtualIp vip, ValidationMode mode = ValidationMode.Cluster)
    {
        ArgumentNullException.ThrowIfNull(vip);
        var errors = new List<FieldError>();

        if (vip.ApiVersion != VirtualIp.GroupVersion)
        {
            errors.Add(new("apiVersion", $"must be \"{VirtualIp.GroupVersion}\", got \"{vip.ApiVersion}\""));
        }

        if (vip.Kind != VirtualIp.KindName)
        {
            errors.Add(new("kind", $"must be \"{VirtualIp.KindName}\", got \"{vip.Kind}\""));
        }

        FieldRules.Metadata(vip.Metadata, errors);
        if (vip.Spec is null)
        {
            errors.Add(new("spec", "required"));
            return errors;
        }

        ValidateSpec(vip.Spec, mode, errors);
        return errors;
    }

    /// <summary>Parses "10.0.0.1", "10.0.0.1/24", "2001:db8::1/64" strictly (no "10", no zone ids, no "1.2.3").</summary>
    public static bool TryParseAddress(string? text, out IPAddress address, out int prefixLength, out bool hasPrefix)
    {
        address = IPAddress.None;
        prefixLength = 0;
        hasPrefix = false;
        if (string.IsNullOrEmpty(text) || text.Trim() != text)
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var ipText = slash < 0 ? text : text[..slash];
        if (ipText.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        if (ipText.Contains(':', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(ipText, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            address = v6;
        }
        else
        {
            if (!DottedQuad().IsMatch(ipText) || !IPAddress.TryParse(ipText, out var v4))
            {
                return false;
            }

            foreach (var octet in ipText.Split('.'))
            {
                if (int.Parse(octet, CultureInfo.InvariantCulture) > 255)
                {
                    return false;
                }
            }

            address = v4;
        }

        var maxPrefix = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
        {
            prefixLength = maxPrefix;
            return true;
        }

        var prefixText = text[(slash + 1)..];
        if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit))
        {
            return false;
        }

        prefixLength = int.Parse(prefixText, CultureInfo.InvariantCulture);
        hasPrefix = true;
        return prefixLength <= maxPrefix;
    }

    private static void ValidateSpec(VirtualIpSpec spec, ValidationMode mode, List<FieldError> errors)
    {
        var version = spec.VrrpVersion ?? VirtualIpDefaults.VrrpVersion;
        var versionValid = version is 2 or 3;
        if (!versionValid)
        {
            errors.Add(new("spec.vrrpVersion", $"must be 2 or 3, got {version}"));
        }

        var family = ValidateAddresses(spec.Addresses, errors);
        if (family == AddressFamily.InterNetworkV6 && version == 2)
        {
            errors.Add(new("spec.vrrpVersion", "IPv6 addresses need VRRP version 3 (version 2 is IPv4 only)"));
        }

        if (spec.Interface is { } ifName)
        {
            ValidateInterfaceName(ifName, "spec.interface", errors);
        }

        if (spec.UseVmac?.InterfaceName is { } vmacName)
        {
            ValidateInterfaceName(vmacName, "spec.useVmac.interfaceName", errors);
            if (vmacName == spec.Interface)
            {
                errors.Add(new("spec.useVmac.interfaceName", "must differ from spec.interface: the macvlan is created on top of it"));
            }
        }

        if (spec.VirtualRouterId is { } vrid)
        {
            if (vrid is < 1 or > 255)
            {
                errors.Add(new("spec.virtualRouterId", $"must be between 1 and 255, got {vrid}"));
            }
        }
        else if (mode == ValidationMode.Standalone)
        {
            errors.Add(new("spec.virtualRouterId", "required (1-255) in a standalone configuration"));
        }

        if (versionValid)
        {
            ValidateAdvertInterval(spec.AdvertInterval, version, errors);
        }

        if (FieldRules.Duration(spec.PreemptDelay, "spec.preemptDelay", errors) is { } delay && delay > TimeSpan.FromSeconds(1000))
        {
            errors.Add(new("spec.preemptDelay", $"must be at most 1000s (keepalived's limit), got \"{spec.PreemptDelay}\""));
        }

        ValidateAuthentication(spec.Authentication, version, mode, errors);
        ValidatePriorities(spec, errors);
        FieldRules.NodeSelector(spec.NodeSelector, "spec.nodeSelector", errors);
        ValidateNodeNames(spec.NodeNames, errors);
        ValidateTrack(spec.Track, errors);
        ValidateTrackInterfaces(spec.TrackInterfaces, errors);
        ValidateSyncGroup(spec, errors);
        ValidateGratuitousArp(spec.GratuitousArp, errors);
        ValidateUnicast(spec.Unicast, spec.Addresses, family, mode, errors);
        ValidateNotify(spec.Notify, mode, errors);
        ValidateWebhooks(spec.Webhooks, mode, errors);
        ValidateConnectionSync(spec.ConnectionSync, errors);
    }

    /// <summary>Node names are DNS subdomains, each listed once.</summary>
    private static void ValidateNodeNames(List<string>? names, List<FieldError> errors)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < (names?.Count ?? 0); i++)
        {
            var name = names![i] ?? "";
            if (!FieldRules.IsDnsSubdomain(name))
            {
                errors.Add(new($"spec.nodeNames[{i}]", $"must be a node name (a DNS subdomain), got \"{name}\""));
            }
            else if (!seen.TryAdd(name, i))
            {
                errors.Add(new($"spec.nodeNames[{i}]", $"duplicate node \"{name}\" (also spec.nodeNames[{seen[name]}])"));
            }
        }
    }

    /// <summary>keepalived's limits: sync ID 0-255, maxlen 1 to 65535 minus the IP and UDP headers.</summary>
    private static void ValidateConnectionSync(ConnectionSync? sync, List<FieldError> errors)
    {
        if (sync is null)
        {
            return;
        }

        if (sync.Interface is not { } ifName)
        {
            errors.Add(new("spec.connectionSync.interface", "required"));
        }
        else
        {
            ValidateInterfaceName(ifName, "spec.connectionSync.interface", errors);
        }

        if (sync.SyncId is { } id && id is < 0 or > 255)
        {
            errors.Add(new("spec.connectionSync.syncId", $"must be between 0 and 255, got {id}"));
        }

        if (sync.MaxPacketLength is { } length && length is < 1 or > MaxSyncPacketLength)
        {
            errors.Add(new("spec.connectionSync.maxPacketLength", $"must be between 1 and {MaxSyncPacketLength}, got {length}"));
        }
    }

    private static AddressFamily? ValidateAddresses(List<string>? addresses, List<FieldError> errors)
    {
        if (addresses is null || addresses.Count == 0)
        {
            errors.Add(new("spec.addresses", "must list at least one address"));
            return null;
        }

        if (addresses.Count > 255)
        {
            errors.Add(new("spec.addresses", $"at most 255 addresses (VRRP's address count is one byte), got {addresses.Count}"));
        }

        AddressFamily? family = null;
        var seen = new HashSet<IPAddress>();
        for (var i = 0; i < addresses.Count; i++)
        {
            var path = $"spec.addresses[{i}]";
            if (!TryParseAddress(addresses[i], out var address, out _, out _))
            {
                errors.Add(new(path, $"must be an IP address or CIDR such as \"10.0.0.5\" or \"10.0.0.5/24\", got \"{addresses[i]}\""));
                continue;
            }

            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || IsMulticast(address) || address.Equals(IPAddress.Broadcast))
            {
                errors.Add(new(path, $"must be a unicast address, got \"{addresses[i]}\""));
                continue;
            }

            if (!seen.Add(address))
            {
                errors.Add(new(path, $"duplicate address {address}"));
            }

            if (family is null)
            {
                family = address.AddressFamily;
            }
            else if (family != address.AddressFamily)
            {
                errors.Add(new(path, $"all addresses must be of one family ({FamilyName(family.Value)} like spec.addresses[0]), got \"{addresses[i]}\""));
            }
        }

        return family;
    }

    private static void ValidateAdvertInterval(string? text, int version, List<FieldError> errors)
    {
        const string path = "spec.advertInterval";
        if (FieldRules.Duration(text, path, errors) is not { } interval)
        {
            return;
        }

        if (version == 2)
        {
            if (interval.Ticks % TimeSpan.TicksPerSecond != 0 || interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromSeconds(255))
            {
                errors.Add(new(path, $"VRRP version 2 needs whole seconds between 1s and 255s, got \"{text}\""));
            }
        }
        else if (interval.Ticks % (10 * TimeSpan.TicksPerMillisecond) != 0 || interval < TimeSpan.FromMilliseconds(10) || interval > TimeSpan.FromMilliseconds(40950))
        {
            errors.Add(new(path, $"VRRP version 3 needs a multiple of 10ms between 10ms and 40.95s, got \"{text}\""));
        }
    }

    private static void ValidateAuthentication(VrrpAuthentication? auth, int version, ValidationMode mode, List<FieldError> errors)
    {
        if (auth is null)
        {
            return;
        }

        if (version == 3)
        {
            errors.Add(new("spec.authentication", "not allowed with VRRP version 3 (RFC 5798 removed authentication)"));
        }

        if (auth.Type != "PASS")
        {
            errors.Add(new("spec.authentication.type", $"must be \"PASS\", got \"{auth.Type}\""));
        }

        if (auth.Password is null && auth.PasswordSecretRef is null)
        {
            errors.Add(new("spec.authentication", "needs password or passwordSecretRef"));
        }
        else if (auth.Password is not null && auth.PasswordSecretRef is not null)
        {
            errors.Add(new("spec.authentication", "password and passwordSecretRef are mutually exclusive"));
        }

        if (auth.Password is { } password)
        {
            var bytes = Encoding.UTF8.GetByteCount(password);
            if (bytes is 0 or > 8)
            {
                errors.Add(new("spec.authentication.password",
                    $"must be 1 to 8 bytes (VRRPv2 carries 8; keepalived would silently truncate a longer one), got {bytes}"));
            }
        }

        if (auth.PasswordSecretRef is { } secretRef)
        {
            ValidateSecretRef(secretRef, "spec.authentication.passwordSecretRef", "give password in a standalone configuration", mode, errors);
        }
    }

    private static void ValidateSecretRef(SecretKeySelector secretRef, string path, string standaloneHint, ValidationMode mode, List<FieldError> errors)
    {
        if (mode == ValidationMode.Standalone)
        {
            errors.Add(new(path, $"needs a cluster; {standaloneHint}"));
        }

        if (string.IsNullOrEmpty(secretRef.Name))
        {
            errors.Add(new(path + ".name", "required"));
        }

        if (string.IsNullOrEmpty(secretRef.Key))
        {
            errors.Add(new(path + ".key", "required"));
        }
    }

    private static void ValidateWebhooks(List<VrrpWebhook>? webhooks, ValidationMode mode, List<FieldError> errors)
    {
        for (var i = 0; i < (webhooks?.Count ?? 0); i++)
        {
            var hook = webhooks![i];
            var path = $"spec.webhooks[{i}]";
            if ((hook.Url is null) == (hook.UrlSecretRef is null))
            {
                errors.Add(new(path, "needs exactly one of url and urlSecretRef"));
            }

            if (hook.Url is { } url && WebhookUrlError(url) is { } urlError)
            {
                errors.Add(new(path + ".url", $"{urlError}, got \"{url}\""));
            }

            if (hook.UrlSecretRef is { } secretRef)
            {
                ValidateSecretRef(secretRef, path + ".urlSecretRef", "give url in a standalone configuration", mode, errors);
            }

            if (hook.CaBundle is { } pem && !HasCertificates(pem))
            {
                errors.Add(new(path + ".caBundle", "must hold at least one PEM certificate (-----BEGIN CERTIFICATE-----)"));
            }

            FieldRules.PositiveDuration(hook.Timeout, path + ".timeout", errors);
            if (hook.Timeout is { } timeoutText && GoDuration.TryParse(timeoutText, out var timeout) && timeout > TimeSpan.FromSeconds(60))
            {
                errors.Add(new(path + ".timeout", $"must be at most 60s, got \"{timeoutText}\""));
            }

            FieldRules.Range(hook.Attempts, 1, 10, path + ".attempts", errors);
        }
    }

    /// <summary>
    /// Null for an absolute http(s) URL without user info: a URL given inline is readable by whoever reads the VirtualIp
    /// (and every NodeAgentConfig), so credentials go through urlSecretRef. The agent checks a Secret's URL the same way.
    /// </summary>
    public static string? WebhookUrlError(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "must be an absolute http:// or https:// URL";
        }

        return uri.UserInfo.Length > 0 ? "must not carry credentials (user:password@); put such a URL in a Secret (urlSecretRef)" : null;
    }

    private static bool HasCertificates(string pem)
    {
        var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }

        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }

        return certificates.Count > 0;
    }

    private static void ValidatePriorities(VirtualIpSpec spec, List<FieldError> errors)
    {
        if (spec.DefaultPriority is { } defaultPriority && defaultPriority is < 1 or > 254)
        {
            errors.Add(new("spec.defaultPriority", $"must be between 1 and 254, got {defaultPriority}"));
        }

        if (spec.Priorities is null)
        {
            return;
        }

        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < spec.Priorities.Count; i++)
        {
            var path = $"spec.priorities[{i}]";
            var entry = spec.Priorities[i];
            if (entry is null)
            {
                errors.Add(new(path, "must not be null"));
                continue;
            }

            if (string.IsNullOrEmpty(entry.NodeName))
            {
                errors.Add(new(path + ".nodeName", "required"));
            }
            else if (names.TryGetValue(entry.NodeName, out var first))
            {
                errors.Add(new(path + ".nodeName", $"duplicate node \"{entry.NodeName}\" (also spec.priorities[{first}])"));
            }
            else
            {
                names.Add(entry.NodeName, i);
            }

            if (entry.Priority is not { } priority)
            {
                errors.Add(new(path + ".priority", "required (1-254)"));
            }
            else if (priority is < 1 or > 254)
            {
                errors.Add(new(path + ".priority", $"must be between 1 and 254, got {priority}"));
            }
        }
    }

    internal static void ValidateRequirement(LabelSelectorRequirement requirement, string path, List<FieldError> errors)
    {
        if (requirement.Key.Length == 0)
        {
            errors.Add(new(path + ".key", "must not be empty"));
        }

        var valueCount = requirement.Values?.Count ?? 0;
        switch (requirement.Operator)
        {
            case LabelSelectorRequirement.In or LabelSelectorRequirement.NotIn when valueCount == 0:
                errors.Add(new(path + ".values", $"must list at least one value for {requirement.Operator}"));
                break;
            case LabelSelectorRequirement.Exists or LabelSelectorRequirement.DoesNotExist when valueCount > 0:
                errors.Add(new(path + ".values", $"must be empty for {requirement.Operator}"));
                break;
            case LabelSelectorRequirement.In or LabelSelectorRequirement.NotIn or LabelSelectorRequirement.Exists or LabelSelectorRequirement.DoesNotExist:
                break;
            default:
                errors.Add(new(path + ".operator", $"must be In, NotIn, Exists or DoesNotExist, got \"{requirement.Operator}\""));
                break;
        }
    }

    private static void ValidateTrack(List<TrackCheck>? track, List<FieldError> errors)
    {
        if (track is null)
        {
            return;
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < track.Count; i++)
        {
            var path = $"spec.track[{i}]";
            var check = track[i];
            if (check is null)
            {
                errors.Add(new(path, "must not be null"));
                continue;
            }

            if (string.IsNullOrEmpty(check.Name))
            {
                errors.Add(new(path + ".name", "required"));
            }
            else if (names.TryGetValue(check.Name, out var first))
            {
                errors.Add(new(path + ".name", $"duplicate check \"{check.Name}\" (also spec.track[{first}])"));
            }
            else
            {
                names.Add(check.Name, i);
            }

            var kinds = (check.Tcp is null ? 0 : 1) + (check.Http is null ? 0 : 1) + (check.Pods is null ? 0 : 1);
            if (kinds != 1)
            {
                errors.Add(new(path, $"must have exactly one of tcp, http, pods, got {kinds}"));
            }

            if (check.Tcp is { } tcp)
            {
                if (tcp.Host is { } host && (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/')))
                {
                    errors.Add(new(path + ".tcp.host", $"must be an IP address or host name, got \"{host}\""));
                }

                if (tcp.Port is not { } port)
                {
                    errors.Add(new(path + ".tcp.port", "required (1-65535)"));
                }
                else if (port is < 1 or > 65535)
                {
                    errors.Add(new(path + ".tcp.port", $"must be between 1 and 65535, got {port}"));
                }
            }

            if (check.Http is { } http)
            {
                if (!Uri.TryCreate(http.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    errors.Add(new(path + ".http.url", $"must be an absolute http:// or https:// URL, got \"{http.Url}\""));
                }

                if (http.ExpectedStatus is { } expected && !HttpStatusRanges.TryParse(expected, out _, out var statusError))
                {
                    errors.Add(new(path + ".http.expectedStatus", statusError));
                }
            }

            if (check.Pods is { } pods)
            {
                if (pods.Selector?.MatchLabels is not { Count: > 0 } && pods.Selector?.MatchExpressions is not { Count: > 0 })
                {
                    errors.Add(new(path + ".pods.selector", "must have matchLabels or matchExpressions"));
                }

                foreach (var (requirement, j) in (pods.Selector?.MatchExpressions ?? []).Select((r, j) => (r, j)))
                {
                    ValidateRequirement(requirement, $"{path}.pods.selector.matchExpressions[{j}]", errors);
                }

                if (pods.Namespace is { } podNamespace && !FieldRules.IsDnsLabel(podNamespace))
                {
                    errors.Add(new(path + ".pods.namespace", $"must be a DNS label, got \"{podNamespace}\""));
                }
            }

            ValidateWeight(check.Weight, path, errors);

            FieldRules.PositiveDuration(check.Interval, path + ".interval", errors);
            FieldRules.PositiveDuration(check.Timeout, path + ".timeout", errors);

            if (check.Rise is { } rise && rise < 1)
            {
                errors.Add(new(path + ".rise", $"must be at least 1, got {rise}"));
            }

            if (check.Fall is { } fall && fall < 1)
            {
                errors.Add(new(path + ".fall", $"must be at least 1, got {fall}"));
            }
        }
    }

    private static void ValidateTrackInterfaces(List<TrackInterface>? tracked, List<FieldError> errors)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (track, i) in (tracked ?? []).Select((t, i) => (t, i)))
        {
            var path = $"spec.trackInterfaces[{i}]";
            if (track is null)
            {
                errors.Add(new(path, "must not be null"));
                continue;
            }

            if (track.Name is null)
            {
                errors.Add(new(path + ".name", "required"));
            }
            else if (names.TryGetValue(track.Name, out var first))
            {
                errors.Add(new(path + ".name", $"duplicate interface \"{track.Name}\" (also spec.trackInterfaces[{first}])"));
            }
            else
            {
                names.Add(track.Name, i);
                ValidateInterfaceName(track.Name, path + ".name", errors);
            }

            ValidateWeight(track.Weight, path, errors);
        }
    }

    /// <summary>
    /// keepalived ignores tracking weights in a sync group unless told otherwise (sync_group_tracking_weight): one
    /// member's priority moving alone would split the group between nodes. Refused here rather than silently ignored.
    /// </summary>
    private static void ValidateSyncGroup(VirtualIpSpec spec, List<FieldError> errors)
    {
        if (spec.SyncGroup is not { } group)
        {
            return;
        }

        if (!FieldRules.IsDnsLabel(group))
        {
            errors.Add(new("spec.syncGroup", $"must be a DNS label, got \"{group}\""));
        }

        var weighted = (spec.Track ?? []).Select((t, i) => (Path: $"spec.track[{i}]", t?.Weight))
            .Concat((spec.TrackInterfaces ?? []).Select((t, i) => (Path: $"spec.trackInterfaces[{i}]", t?.Weight)));
        foreach (var (path, weight) in weighted)
        {
            if (weight is { } w and not 0)
            {
                errors.Add(new(path + ".weight", $"must be 0 in a syncGroup (a member's priority moving alone would split the group; keepalived ignores such weights), got {w}"));
            }
        }
    }

    private static void ValidateInterfaceName(string name, string path, List<FieldError> errors)
    {
        if (name.Length is 0 or > 15 || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors.Add(new(path, $"must be a Linux interface name (1-15 characters, no '/', ':' or spaces), got \"{name}\""));
        }
    }

    private static void ValidateWeight(int? weight, string path, List<FieldError> errors)
    {
        if (weight is { } w && w is < -254 or > 254)
        {
            errors.Add(new(path + ".weight", $"must be between -254 and 254, got {w}"));
        }
    }

    private static void ValidateGratuitousArp(GratuitousArp? garp, List<FieldError> errors)
    {
        if (garp is null)
        {
            return;
        }

        if (garp.Repeat is { } repeat && repeat is < 0 or > 255)
        {
            errors.Add(new("spec.gratuitousArp.repeat", $"must be between 0 and 255, got {repeat}"));
        }

        FieldRules.Duration(garp.Delay, "spec.gratuitousArp.delay", errors);
        FieldRules.Duration(garp.RefreshInterval, "spec.gratuitousArp.refreshInterval", errors);
    }

    private static void ValidateUnicast(VrrpUnicast? unicast, List<string>? addresses, AddressFamily? family, ValidationMode mode, List<FieldError> errors)
    {
        if (unicast is null)
        {
            return;
        }

        var vips = (addresses ?? []).Select(a => TryParseAddress(a, out var ip, out _, out _) ? ip : null).OfType<IPAddress>().ToHashSet();
        var peers = unicast.Peers ?? [];
        if (peers.Count == 0 && mode == ValidationMode.Standalone)
        {
            errors.Add(new("spec.unicast.peers", "must list at least one peer address in a standalone configuration (in a cluster the operator lists the other nodes)"));
        }

        if (peers.Count > 255)
        {
            errors.Add(new("spec.unicast.peers", $"at most 255 peers, got {peers.Count}"));
        }

        var seen = new HashSet<IPAddress>();
        for (var i = 0; i < peers.Count; i++)
        {
            if (UnicastAddress(peers[i], $"spec.unicast.peers[{i}]", family, vips, errors) is { } peer && !seen.Add(peer))
            {
                errors.Add(new($"spec.unicast.peers[{i}]", $"duplicate peer {peer}"));
            }
        }

        if (unicast.SourceAddress is { } source)
        {
            if (mode == ValidationMode.Cluster)
            {
                errors.Add(new("spec.unicast.sourceAddress", "standalone only: in a cluster each node sends from its own address"));
            }
            else
            {
                UnicastAddress(source, "spec.unicast.sourceAddress", family, vips, errors);
            }
        }
    }

    private static void ValidateNotify(VrrpNotify? notify, ValidationMode mode, List<FieldError> errors)
    {
        if (notify is null)
        {
            return;
        }

        if (mode == ValidationMode.Cluster)
        {
            errors.Add(new("spec.notify", "standalone only: an operator does not push scripts onto every node (watch the VirtualIp's Events instead)"));
            return;
        }

        foreach (var (field, line) in new[] { ("master", notify.Master), ("backup", notify.Backup), ("fault", notify.Fault), ("stop", notify.Stop), ("any", notify.Any) })
        {
            if (line is null)
            {
                continue;
            }

            var path = "spec.notify." + field;
            if (!NotifyCommandLine.TrySplit(line, out var argv, out var error))
            {
                errors.Add(new(path, $"{error}, got \"{line}\""));
            }
            else if (argv.Count == 0 || !argv[0].StartsWith('/'))
            {
                errors.Add(new(path, $"must start with the program's absolute path (it is not run through a shell), got \"{line}\""));
            }
        }

        FieldRules.PositiveDuration(notify.Timeout, "spec.notify.timeout", errors);
    }

    /// <summary>A plain unicast address (no prefix) of the virtual addresses' family and not one of them; null after an error.</summary>
    private static IPAddress? UnicastAddress(string? text, string path, AddressFamily? family, HashSet<IPAddress> vips, List<FieldError> errors)
    {
        if (!TryParseAddress(text, out var address, out _, out var hasPrefix) || hasPrefix)
        {
            errors.Add(new(path, $"must be an IP address without a prefix such as \"10.0.0.2\", got \"{text}\""));
            return null;
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || IsMulticast(address) || address.Equals(IPAddress.Broadcast))
        {
            errors.Add(new(path, $"must be a unicast address, got \"{text}\""));
            return null;
        }

        if (family is { } f && address.AddressFamily != f)
        {
            errors.Add(new(path, $"must be {FamilyName(f)} like spec.addresses, got \"{text}\""));
            return null;
        }

        if (vips.Contains(address))
        {
            errors.Add(new(path, $"must not be one of spec.addresses, got \"{text}\""));
            return null;
        }

        return address;
    }

    private static bool IsMulticast(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? (address.GetAddressBytes()[0] & 0xF0) == 0xE0 : address.IsIPv6Multicast;

    private static string FamilyName(AddressFamily family) => family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";

    [GeneratedRegex(@"^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\z")]
    private static partial Regex DottedQuad();
}
