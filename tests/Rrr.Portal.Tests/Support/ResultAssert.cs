using Rrr.Core.Features;

namespace Rrr.Portal.Tests.Support;

/// <summary>Reads a service's <see cref="RrrResult{T}"/> in a test: the value when it must have worked, the failure when it must not.</summary>
internal static class ResultAssert
{
    /// <summary>The value of a result that must be ok (fails the test with the code otherwise).</summary>
    public static async Task<T> Ok<T>(this Task<RrrResult<T>> pending)
    {
        var result = await pending;
        Assert.True(result.IsOk, $"Expected ok, got {result.Kind} {result.Code}: {result.Message}");
        return result.Value;
    }

    /// <summary>
    /// A result that must be a refusal: what <c>Assert.ThrowsAsync&lt;…RefusedException&gt;</c> asserted before the
    /// service returned results (its <see cref="RrrResult{T}.Code"/> and <see cref="RrrResult{T}.Message"/> are the exception's).
    /// </summary>
    public static async Task<RrrResult<T>> Refused<T>(this Task<RrrResult<T>> pending)
    {
        var result = await pending;
        Assert.False(result.IsOk, "Expected a refusal, got ok.");
        return result;
    }
}
