"""年度考核: score sheets from the letters, data-scored items, 一票否决, grades and ranking (DOMAIN §6)."""
