// Builds the container-mode seccomp filter of syscallfilter.h with
// libseccomp. Static, libc and libseccomp only: it is linked into the init.

#include "syscallfilter.h"

#include <seccomp.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <span>
#include <string>

namespace osh::sandbox {

namespace {

// The highest call number asked of libseccomp's table; x86_64's are well below.
constexpr int kMaxSyscallNumber = 1024;

struct Context
{
    scmp_filter_ctx ctx = nullptr;
    char *error;
    unsigned long errorSize;
    ~Context()
    {
        if (ctx)
            seccomp_release(ctx);
    }
    int fail(const char *what, const char *name, int rc)
    {
        std::snprintf(error, errorSize, "%s %s: %s", what, name ? name : "", std::strerror(rc < 0 ? -rc : rc));
        return -1;
    }
};

// Adds a rule for the call name (resolved into nr): an unknown name stops
// the filter with a message naming it.
int ruleFor(Context &c, std::uint32_t action, int nr, const char *name, unsigned count, const scmp_arg_cmp *cmp)
{
    if (nr == __NR_SCMP_ERROR)
        return c.fail("unknown system call in the filter's rules:", name, EINVAL);
    const int rc = seccomp_rule_add_array(c.ctx, action, nr, count, cmp);
    return rc == 0 ? 0 : c.fail("cannot add the rule for", name, rc);
}

int allowIf(Context &c, int nr, const char *name, unsigned count, const scmp_arg_cmp *cmp)
{
    return ruleFor(c, SCMP_ACT_ALLOW, nr, name, count, cmp);
}

} // namespace

int installSyscallFilter(char *error, unsigned long errorSize)
{
    Context c{nullptr, error, errorSize};
    // Anything without a rule fails with EPERM; known calls get an allow
    // rule below unless refused.
    c.ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    if (!c.ctx)
        return c.fail("seccomp_init failed", nullptr, ENOMEM);
    int rc = seccomp_attr_set(c.ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc == 0)
        rc = seccomp_attr_set(c.ctx, SCMP_FLTATR_CTL_NNP, 1);
    if (rc == 0)
        rc = seccomp_attr_set(c.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2); // a binary tree: ~9 comparisons per call, not ~350
    if (rc != 0)
        return c.fail("cannot set the filter's attributes", nullptr, rc);

    std::set<int> handled;
    for (const SyscallGroup &g : kRefused) {
        for (const char *const *n = g.calls; *n; ++n) {
            const int nr = seccomp_syscall_resolve_name(*n);
            if (nr == __NR_SCMP_ERROR)
                return c.fail("unknown system call in the filter's list:", *n, EINVAL);
            handled.insert(nr); // no rule: the default refuses it
        }
    }

    const auto resolve = [&handled](const char *name) {
        const int nr = seccomp_syscall_resolve_name(name);
        handled.insert(nr);
        return nr;
    };

    // clone and unshare without namespace flags. (clone's flags are its
    // first argument on x86_64.)
    for (const char *name : {"clone", "unshare"}) {
        const scmp_arg_cmp noNamespaces = SCMP_A0(SCMP_CMP_MASKED_EQ, kNamespaceFlags, 0);
        if (allowIf(c, resolve(name), name, 1, &noNamespaces) != 0)
            return -1;
    }
    if (ruleFor(c, SCMP_ACT_ERRNO(ENOSYS), resolve("clone3"), "clone3", 0, nullptr) != 0)
        return -1;

    for (const char *name : {"socket", "socketpair"}) {
        const int nr = resolve(name);
        const auto familyWith = [&](int family, int protocol) {
            const scmp_arg_cmp cmp[] = {SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family)),
                                        SCMP_A2(SCMP_CMP_EQ, static_cast<scmp_datum_t>(protocol))};
            return allowIf(c, nr, name, 2, cmp);
        };
        for (const int family : kAllowedSocketFamilies) {
            std::span<const int> protocols; // empty: any
            if (family == AF_NETLINK)
                protocols = std::span<const int>(&kNetlinkRoute, 1);
            else if (family == AF_INET)
                protocols = kAllowedInetProtocols;
            else if (family == AF_INET6)
                protocols = kAllowedInet6Protocols;
            for (const int protocol : protocols)
                if (familyWith(family, protocol) != 0)
                    return -1;
            const scmp_arg_cmp any = SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family));
            if (protocols.empty() && allowIf(c, nr, name, 1, &any) != 0)
                return -1;
        }
    }

    const int personality = resolve("personality");
    for (const std::uint64_t p : kAllowedPersonalities) {
        const scmp_arg_cmp v = SCMP_A0(SCMP_CMP_EQ, p);
        if (allowIf(c, personality, "personality", 1, &v) != 0)
            return -1;
    }

    // Allowed up to the reviewed number; above it, what libseccomp knows
    // answers ENOSYS (the C library then falls back), the rest EPERM (the
    // default).
    for (int nr = 0; nr < kMaxSyscallNumber; ++nr) {
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        if (!name)
            continue;
        std::free(name);
        if (handled.count(nr))
            continue;
        rc = seccomp_rule_add(c.ctx, nr <= kLastReviewedSyscall ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(ENOSYS), nr, 0);
        if (rc != 0)
            return c.fail("cannot add the rule for system call", std::to_string(nr).c_str(), rc);
    }

    rc = seccomp_load(c.ctx);
    if (rc != 0)
        return c.fail("cannot load the seccomp filter", nullptr, rc);
    return 0;
}

} // namespace osh::sandbox
