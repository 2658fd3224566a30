using Microsoft.Extensions.DependencyInjection;

namespace Switchboard.Hosting;

/// <summary>Returned by <c>AddSocketIO</c> so that extensions (such as a scale-out adapter) can chain onto it.</summary>
/// <param name="Services">The service collection Socket.IO was added to.</param>
public sealed record SocketIOBuilder(IServiceCollection Services);
