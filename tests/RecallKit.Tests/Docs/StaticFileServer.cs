using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace RecallKit.Tests.Docs;

/// <summary>
/// Serves a folder over HTTP on 127.0.0.1 (the DocFX template loads its table of contents and search index with fetch, which
/// browsers refuse for file: pages) and records every request it could not answer.
/// </summary>
internal sealed class StaticFileServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly string folder;
    private readonly Task loop;

    public StaticFileServer(string folder)
    {
        this.folder = Path.GetFullPath(folder);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Prefix = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(Prefix);
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public string Prefix { get; }

    /// <summary>Paths requested that are not files of the folder.</summary>
    public ConcurrentBag<string> Missing { get; } = [];

    /// <summary>Every path requested.</summary>
    public ConcurrentBag<string> Requested { get; } = [];

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath);
            Requested.Add(path);
            var file = Path.GetFullPath(Path.Combine(folder, path.TrimStart('/')));
            using var response = context.Response;
            if (!file.StartsWith(folder, StringComparison.Ordinal) || !File.Exists(file))
            {
                Missing.Add(path);
                response.StatusCode = 404;
                continue;
            }
            response.ContentType = Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" or ".mjs" => "text/javascript",
                ".css" => "text/css",
                ".json" => "application/json",
                ".svg" => "image/svg+xml",
                ".png" => "image/png",
                ".ico" => "image/x-icon",
                ".woff" => "font/woff",
                ".woff2" => "font/woff2",
                _ => "application/octet-stream",
            };
            var bytes = await File.ReadAllBytesAsync(file);
            response.ContentLength64 = bytes.Length;
            try { await response.OutputStream.WriteAsync(bytes); }
            catch (HttpListenerException) { } // the browser closed the connection
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try { loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
