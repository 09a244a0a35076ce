using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Rrr.Core.Features.Approvals;

namespace Rrr.Portal.Tests.Support;

/// <summary>Chain keys for tests: a fresh random key per call, as configuration would hold it.</summary>
internal static class TestChainKeys
{
    public static ApprovalChainOptions Options(string keyId = "k1", byte[]? key = null) => new()
    {
        ChainKey = Convert.ToBase64String(key ?? RandomNumberGenerator.GetBytes(32)),
        ChainKeyId = keyId,
    };

    public static ApprovalChainKeys Create() => new(Microsoft.Extensions.Options.Options.Create(Options()));

    public static ApprovalChainKeys Create(ApprovalChainOptions options) => new(Microsoft.Extensions.Options.Options.Create(options));
}
