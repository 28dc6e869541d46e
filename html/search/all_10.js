var searchData=
[
  ['text_0',['text',['../structfc__image.html#aa16e7ba5ba98085105bde4dee1615352',1,'fc_image::text()'],['../structfc__image__parts.html#a97b7fb37155f9f746682ae8917a7d43a',1,'fc_image_parts::text()'],['../structfc__suit__manifest.html#a033b4cd58972c5f7d0e6f8632ed99026',1,'fc_suit_manifest::text()']]],
  ['text_5fslots_1',['text_slots',['../structfc__image.html#ab46ec4b04dcabc915cc24f69ac031c0c',1,'fc_image::text_slots()'],['../structfc__image__parts.html#aeafaf240de023706d7c94f34415e8d38',1,'fc_image_parts::text_slots()']]],
  ['type_2',['type',['../structfc__cbor__item.html#a7dbe3f367300e08733f306edbfda3d30',1,'fc_cbor_item::type()'],['../structfc__suit__key.html#a9face828d3e5312a574e39e3868ddce7',1,'fc_suit_key::type()']]]
];
