using System.Reflection;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>
/// A stand-in for a driver interface (a session, a client) in tests without a server: every call goes to
/// <see cref="Handler"/>, which by default refuses it, so a test sees at once if its fake is used unexpectedly.
/// </summary>
public class InertProxy : DispatchProxy
{
    public Func<MethodInfo, object?[]?, object?> Handler { get; set; } = (method, _) => throw new NotSupportedException(method.Name);

    public static T Of<T>(Func<MethodInfo, object?[]?, object?>? handler = null)
        where T : class
    {
        var proxy = Create<T, InertProxy>();
        if (handler is not null)
        {
            ((InertProxy)(object)proxy).Handler = handler;
        }

        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => Handler(targetMethod!, args);
}
