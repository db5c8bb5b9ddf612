#pragma once
// The IDs of one kind in a policy XML (file rules, signers, EKUs, scenarios): where each is defined
// and its index. An open-addressing table of views into the document, which outlives it: a block
// list defines and references thousands of IDs, and a node-based map allocated one node per ID.

#include <cstdint>
#include <string_view>
#include <vector>

#include "policy/xml_tree.hpp"

namespace cipolicy::policy {

// The table's hash of an ID. The IDs come from the document, so the hash is keyed with a secret
// chosen once per process: no document can be written whose IDs all land together and make the
// linear probing quadratic (std::hash is the same in every process). Eight bytes a step.
std::size_t id_hash(std::string_view id);

class IdTable {
  public:
    struct Entry {
        std::string_view id;  // empty: a free slot (an empty ID is refused before it gets here)
        std::uint32_t index = 0;
        XmlNode node;
    };

    explicit IdTable(const char* kind) : kind_(kind) {}
    const char* kind() const { return kind_; }

    // Room for `count` IDs in all, so that defining them does not rehash.
    void reserve(std::size_t count) {
        std::size_t capacity = 16;
        while (capacity < 2 * count) capacity *= 2;
        if (capacity > slots_.size()) rehash(capacity);
    }
    // The entry defining `id`, and whether this call added it (false: `id` was defined before).
    std::pair<const Entry*, bool> define(std::string_view id, std::uint32_t index, XmlNode node) {
        if (2 * (size_ + 1) > slots_.size()) rehash(slots_.empty() ? 16 : 2 * slots_.size());
        Entry& slot = slots_[slot_of(id)];
        if (!slot.id.empty()) return {&slot, false};
        slot = Entry{id, index, node};
        ++size_;
        return {&slot, true};
    }
    // The entry defining `id`, or nullptr.
    const Entry* find(std::string_view id) const {
        if (slots_.empty() || id.empty()) return nullptr;
        const Entry& slot = slots_[slot_of(id)];
        return slot.id.empty() ? nullptr : &slot;
    }

  private:
    // The slot holding `id`, or the free slot where it belongs (linear probing; the table is at
    // most half full, so a free slot exists).
    std::size_t slot_of(std::string_view id) const {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = id_hash(id) & mask;
        while (!slots_[i].id.empty() && slots_[i].id != id) i = (i + 1) & mask;
        return i;
    }
    void rehash(std::size_t capacity) {
        std::vector<Entry> old(capacity);
        old.swap(slots_);
        for (const Entry& e : old)
            if (!e.id.empty()) slots_[slot_of(e.id)] = e;
    }

    const char* kind_;
    std::vector<Entry> slots_;
    std::size_t size_ = 0;
};

}  // namespace cipolicy::policy
