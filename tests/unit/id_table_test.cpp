// The reader's ID table: every ID found again after the table grows, a second definition answers
// with the first, and an unknown or empty ID is not found.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/id_table.hpp"

using cipolicy::policy::IdTable;

TEST_CASE("ID table: defines survive growth and a duplicate answers with the first", "[reader]") {
    const auto tree = cipolicy::policy::XmlTree::read("<Rules><First/><Second/></Rules>");
    REQUIRE(tree);
    const auto first = tree->root().child("First");
    const auto second = tree->root().child("Second");
    REQUIRE((first && second && !(first == second)));
    std::vector<std::string> ids;
    for (int i = 0; i < 5000; ++i) ids.push_back("ID_DENY_" + std::to_string(i * 7919));
    IdTable table("file rule");
    CHECK(table.find("ID_DENY_0") == nullptr);  // empty table
    for (std::uint32_t i = 0; i < ids.size(); ++i) CHECK(table.define(ids[i], i, first).second);
    for (std::uint32_t i = 0; i < ids.size(); ++i) {
        const auto* e = table.find(ids[i]);
        REQUIRE(e != nullptr);
        CHECK(e->index == i);
        CHECK(e->id == ids[i]);
    }
    const auto [entry, added] = table.define(ids[42], 9999, second);
    CHECK_FALSE(added);
    CHECK(entry->index == 42);
    CHECK(entry->node == first);
    CHECK(table.find("ID_DENY_1") == nullptr);
    CHECK(table.find("") == nullptr);
    CHECK(std::string(table.kind()) == "file rule");
    table.reserve(20000);  // a rehash keeps every entry
    for (std::uint32_t i = 0; i < ids.size(); i += 97) CHECK(table.find(ids[i])->index == i);
}

// IDs written to collide under std::hash (known to anyone: the same in every process) would make
// the linear probing quadratic; the table's own hash is keyed per process, so they spread out.
TEST_CASE("ID table: IDs made to collide under std::hash spread out under id_hash", "[reader]") {
    constexpr std::size_t kMask = 0xFFF;  // a 4,096-slot table
    std::vector<std::string> ids;
    const std::size_t target = std::hash<std::string_view>{}("ID_DENY_0") & kMask;
    for (std::uint64_t n = 0; ids.size() < 2000; ++n) {
        std::string id = "ID_DENY_" + std::to_string(n);
        if ((std::hash<std::string_view>{}(id)&kMask) == target) ids.push_back(std::move(id));
    }
    std::vector<bool> used(kMask + 1);
    std::size_t slots = 0;
    for (const auto& id : ids)
        if (const std::size_t slot = cipolicy::policy::id_hash(id) & kMask; !used[slot]) {
            used[slot] = true;
            ++slots;
        }
    // Random placement of 2,000 IDs fills about 1,600 of 4,096 slots; under std::hash, one.
    CHECK(slots > 1200);
}
