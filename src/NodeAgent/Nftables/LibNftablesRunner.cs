using System.Runtime.InteropServices;
using System.Text;

namespace KeepOperator.NodeAgent.Nftables;

/// <summary>
/// Applies scripts in-process through libnftables (what <c>nft -f</c> itself calls): the same parser and the same one
/// atomic transaction per script, without a process spawn per change, which was most of an update's time. Acts on
/// the network namespace of the thread that first runs a script (the library opens its netlink socket then).
/// One context, used by one caller at a time: libnftables contexts are not thread-safe.
/// </summary>
public sealed unsafe class LibNftablesRunner : INftablesRunner, IDisposable
{
    /// <summary>The soname Debian's libnftables1 ships (package nftables depends on it).</summary>
    public const string LibraryName = "libnftables.so.1";

    private readonly Lock _lock = new();
    private readonly delegate* unmanaged<nint, byte*, int> _runCommand;
    private readonly delegate* unmanaged<nint, byte*> _errorBuffer;
    private readonly delegate* unmanaged<nint, byte*> _outputBuffer;
    private readonly delegate* unmanaged<nint, void> _free;
    private nint _context;

    private LibNftablesRunner(nint library)
    {
        var contextNew = (delegate* unmanaged<uint, nint>)NativeLibrary.GetExport(library, "nft_ctx_new");
        var bufferOutput = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(library, "nft_ctx_buffer_output");
        var bufferError = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(library, "nft_ctx_buffer_error");
        _runCommand = (delegate* unmanaged<nint, byte*, int>)NativeLibrary.GetExport(library, "nft_run_cmd_from_buffer");
        _errorBuffer = (delegate* unmanaged<nint, byte*>)NativeLibrary.GetExport(library, "nft_ctx_get_error_buffer");
        _outputBuffer = (delegate* unmanaged<nint, byte*>)NativeLibrary.GetExport(library, "nft_ctx_get_output_buffer");
        _free = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(library, "nft_ctx_free");
        _context = contextNew(0); // NFT_CTX_DEFAULT
        if (_context == 0)
        {
            throw new InvalidOperationException("nft_ctx_new failed");
        }

        // Buffered, so messages come back as the exception's text instead of going to our stdout/stderr.
        if (bufferOutput(_context) != 0 || bufferError(_context) != 0)
        {
            _free(_context);
            throw new InvalidOperationException("libnftables could not buffer its output");
        }
    }

    /// <summary>A runner over libnftables, or null with why when the library (or a symbol of it) cannot be loaded.</summary>
    public static LibNftablesRunner? TryCreate(out string reason)
    {
        if (!NativeLibrary.TryLoad(LibraryName, out var library))
        {
            reason = $"{LibraryName} not found";
            return null;
        }

        try
        {
            reason = $"in-process {LibraryName}";
            return new LibNftablesRunner(library);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or InvalidOperationException)
        {
            reason = $"{LibraryName} unusable: {e.Message}";
            return null;
        }
    }

    public Task RunAsync(string script, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(script);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        // Synchronous on purpose: a transaction takes well under a millisecond, less than a hop to the thread pool.
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_context == 0, this);
            int result;
            fixed (byte* text = Encoding.UTF8.GetBytes(script + "\0"))
            {
                result = _runCommand(_context, text);
            }

            _ = _outputBuffer(_context); // reading a buffer empties it, so it does not grow run after run
            string error = Marshal.PtrToStringUTF8((nint)_errorBuffer(_context)) ?? "";
            return result == 0 ? Task.CompletedTask : Task.FromException(new NftablesException(1, error));
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_context != 0)
            {
                _free(_context);
                _context = 0;
            }
        }
    }
}
