using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>Creates and revokes API tokens; a secret is returned once and stored only as its hash.</summary>
internal sealed class TokenService(PlatformDbContext db, LookupCache lookups, TimeProvider time)
{
    public async Task<Outcome<TokenCreated>> CreateAsync(TokenRequest request, CancellationToken ct)
    {
        var validation = new Validation();
        validation.Name("team", request.Team);
        validation.Length("name", request.Name, 128);
        if (request.Scopes is null || request.Scopes.Count == 0)
        {
            validation.Add("scopes", $"at least one scope is required: {string.Join(", ", Scopes.All)}");
        }
        else
        {
            foreach (var (scope, i) in request.Scopes.Select((s, i) => (s, i)))
            {
                validation.OneOf($"scopes[{i}]", scope, Scopes.All);
            }
        }

        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            validation.Add("expiresAt", $"{expires:O} is not in the future");
        }

        if (!validation.IsValid)
        {
            return Failure.Invalid(validation.Errors);
        }

        var secret = TokenHasher.NewSecret();
        var entity = new TokenEntity
        {
            Id = TokenHasher.NewId(),
            Hash = TokenHasher.Hash(secret),
            Team = request.Team,
            Scopes = [.. request.Scopes!.Distinct(StringComparer.Ordinal)],
            Name = request.Name,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt?.ToUniversalTime(),
        };
        db.Tokens.Add(entity);
        await db.SaveChangesAsync(ct);
        return new Outcome<TokenCreated>(new TokenCreated(entity.Id, secret, entity.Team, entity.Scopes, entity.Name, entity.ExpiresAt), null, Created: true);
    }

    /// <summary>
    /// Revokes a token; every replica refuses it within a second. The revocation and the message that tells the other
    /// replicas commit together, so that none can hear of it before it is in the store, or miss it after.
    /// </summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var hash = await db.Database.CreateExecutionStrategy().ExecuteAsync(async cancellation =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellation);
            var hash = await db.Tokens.Where(t => t.Id == id && t.RevokedAt == null).Select(t => t.Hash).FirstOrDefaultAsync(cancellation);
            if (hash is null || await db.Tokens.Where(t => t.Id == id && t.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellation) == 0)
            {
                return null;
            }

            await lookups.PublishTokenChangeAsync(db, hash, cancellation);
            await transaction.CommitAsync(cancellation);
            return hash;
        }, ct);
        if (hash is null)
        {
            return false;
        }

        lookups.ForgetToken(hash);
        return true;
    }
}
