using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>
/// The few Kubernetes API calls the agent makes, over a plain HttpClient with source-generated JSON (KubernetesClient
/// is neither trim- nor AOT-clean): get an object, list and watch, merge-patch a status, read a Secret.
/// Error answers become <see cref="KubeApiException"/>; transport failures stay <see cref="HttpRequestException"/>.
/// </summary>
public sealed class KubeApiClient : IDisposable
{
    /// <summary>The product token of the agent's User-Agent.</summary>
    public const string UserAgentProduct = "keepoperator-agent";

    private readonly HttpClient _http;
    private readonly KubeConnectionSettings _settings;

    public KubeApiClient(KubeConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _http = new HttpClient(CreateHandler(settings))
        {
            BaseAddress = settings.Server,
            // Watches stay open for minutes; each call bounds itself with its own token.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        // Named, as client-go names its binaries: audit logs (and LocalCluster's request counts) tell the agent's calls apart.
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(UserAgentProduct, "1"));
    }

    /// <summary>Bounds every non-watch call, so a black-holed API server cannot stall the caller.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>GET <paramref name="path"/>; null on 404.</summary>
    public async Task<T?> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancel)
        where T : class
    {
        using var timeout = Bounded(cancel);
        using var request = NewRequest(HttpMethod.Get, path);
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ThrowIfErrorAsync(response, timeout.Token).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(type, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>GET a list (with a query such as fieldSelector): its items and resourceVersion.</summary>
    internal async Task<KubeList> ListAsync(string pathAndQuery, CancellationToken cancel) =>
        await GetAsync(pathAndQuery, KubeJsonContext.Default.KubeList, cancel).ConfigureAwait(false)
        ?? throw new KubeApiException(HttpStatusCode.NotFound, $"{pathAndQuery}: resource type not served (is the CRD installed?)");

    /// <summary>Streams a watch (<paramref name="pathAndQuery"/> must carry watch=true); ends when the server closes it.</summary>
    internal async IAsyncEnumerable<KubeWatchEvent> WatchAsync(string pathAndQuery, [EnumeratorCancellation] CancellationToken cancel)
    {
        using var request = NewRequest(HttpMethod.Get, pathAndQuery);
        using var response = await SendBoundedHeadersAsync(request, cancel).ConfigureAwait(false);
        await ThrowIfErrorAsync(response, cancel).ConfigureAwait(false);
        using var stream = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancel).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0)
            {
                yield return JsonSerializer.Deserialize(line, KubeJsonContext.Default.KubeWatchEvent)
                    ?? throw new JsonException("watch: empty event");
            }
        }
    }

    /// <summary>
    /// PATCH <paramref name="path"/> (a /status subresource) with <c>{"status": ...}</c> as application/merge-patch+json.
    /// False on 404 (the object is gone).
    /// </summary>
    public async Task<bool> MergePatchStatusAsync<T>(string path, T status, JsonTypeInfo<T> type, CancellationToken cancel)
    {
        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("status");
            JsonSerializer.Serialize(writer, status, type);
            writer.WriteEndObject();
        }

        using var timeout = Bounded(cancel);
        using var request = NewRequest(HttpMethod.Patch, path);
        request.Content = new ByteArrayContent(body.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await ThrowIfErrorAsync(response, timeout.Token).ConfigureAwait(false);
        return true;
    }

    /// <summary>One key of a Secret, decoded; null when the Secret or the key does not exist.</summary>
    public async Task<string?> GetSecretValueAsync(string ns, string name, string key, CancellationToken cancel)
    {
        var secret = await GetAsync($"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/secrets/{Uri.EscapeDataString(name)}", KubeJsonContext.Default.KubeSecret, cancel).ConfigureAwait(false);
        return secret?.Data is { } data && data.TryGetValue(key, out var value) ? Encoding.UTF8.GetString(Convert.FromBase64String(value)) : null;
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendBoundedHeadersAsync(HttpRequestMessage request, CancellationToken cancel)
    {
        using var timeout = Bounded(cancel);
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
    }

    private CancellationTokenSource Bounded(CancellationToken cancel)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(RequestTimeout);
        return cts;
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string pathAndQuery)
    {
        var request = new HttpRequestMessage(method, new Uri(pathAndQuery, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var token = _settings.TokenFile is { } file ? File.ReadAllText(file).Trim() : _settings.Token;
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static async Task ThrowIfErrorAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
        string message;
        try
        {
            message = JsonSerializer.Deserialize(text, KubeJsonContext.Default.KubeStatus)?.Message ?? text;
        }
        catch (JsonException)
        {
            message = text;
        }

        throw new KubeApiException(response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {message}");
    }

    private static SocketsHttpHandler CreateHandler(KubeConnectionSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            // Re-resolve the service name now and then (API server endpoints move).
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var ssl = handler.SslOptions;
        if (settings.ClientCertificatePem is { } cert && settings.ClientKeyPem is { } key)
        {
            using var pem = X509Certificate2.CreateFromPem(cert, key);
            // Re-imported: a PEM-built ephemeral key cannot be used by the TLS stack on every platform.
            ssl.ClientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)];
        }

        if (settings.InsecureSkipTlsVerify)
        {
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (settings.CertificateAuthorityPem is { } caPem)
        {
            Tls.CustomRootTrust.Apply(ssl, caPem);
        }

        return handler;
    }
}
