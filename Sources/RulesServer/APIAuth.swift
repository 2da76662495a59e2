// Bearer-token auth of the HTTP API. With no token configured every route is
// open (rulesd binds to loopback by default). With tokens, each route names
// the access it needs (APIRoutes): `ingest` tokens post events, `dialer`
// tokens claim, ack and release tasks, `admin` tokens may do everything,
// and any valid token may read leads, rules and dead letters.
//
// Tokens are compared in constant time over every configured token, so the
// time a request takes says nothing about how much of a token was right.

import Foundation

/// What a token may do.
public enum AuthScope: String, Sendable, Hashable, CaseIterable {
    case ingest, dialer, admin
}

/// One configured token.
public struct APIToken: Sendable, Equatable {
    /// Shown in logs and as `by` of a reload; never the secret.
    public var name: String
    public var secret: String
    public var scope: AuthScope
    public init(name: String, secret: String, scope: AuthScope) {
        self.name = name
        self.secret = secret
        self.scope = scope
    }
}

/// The `auth` section of rulesd.yaml.
public struct AuthConfig: Sendable, Equatable {
    public var tokens: [APIToken] = []
    public init(tokens: [APIToken] = []) { self.tokens = tokens }
    /// False: the API is open.
    public var enabled: Bool { !tokens.isEmpty }
}

/// What a route requires.
enum Access: Sendable, Equatable {
    /// Never checked: /metrics, /healthz, /readyz.
    case open
    /// Any configured token.
    case anyToken
    /// A token of this scope, or an admin token.
    case scope(AuthScope)
}

/// Who is calling, once authenticated.
struct Caller: Sendable, Equatable {
    /// The token's name; nil when auth is off.
    var name: String?
}

/// Checks `Authorization` headers against the configured tokens.
struct Authenticator: Sendable {
    let config: AuthConfig

    /// The caller, or the 401/403 to answer.
    func authorize(header: String?, access: Access) throws(APIError) -> Caller {
        guard config.enabled, access != .open else { return Caller(name: nil) }
        guard let header, !header.isEmpty else {
            throw APIError(.unauthorized, "missing bearer token: send 'Authorization: Bearer <token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(.unauthorized, "the Authorization header must be 'Bearer <token>'")
        }
        guard let token = match(String(parts[1]).trimmingCharacters(in: [" ", "\t"])) else {
            throw APIError(.unauthorized, "unknown token")
        }
        switch access {
        case .open, .anyToken:
            break
        case .scope(let needed):
            guard token.scope == needed || token.scope == .admin else {
                let allowed = needed == .admin ? "admin" : "\(needed.rawValue) or admin"
                throw APIError(.forbidden, "token '\(token.name)' has scope \(token.scope.rawValue); this needs \(allowed)")
            }
        }
        return Caller(name: token.name)
    }

    /// The token whose secret is `presented`, comparing against every token
    /// in full whatever matches, so timing does not leak a prefix.
    func match(_ presented: String) -> APIToken? {
        let given = Array(presented.utf8)
        var found: APIToken?
        for token in config.tokens where Self.constantTimeEqual(given, Array(token.secret.utf8)) {
            found = token
        }
        return found
    }

    /// Equal bytes, in time that depends only on the lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt(a.count ^ b.count)
        let n = max(a.count, b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= UInt(x ^ y)
        }
        return difference == 0
    }
}
