//! Parent and grandparent ids, list and get-by-id, in any order of the arguments.
use connectwise::models::{ConfigurationTypeQuestionValue, PurchaseOrderLineItem};
use connectwise::{BundleResults, ItemError, TypedBundle};
use std::marker::PhantomData;

fn output<F: FnOnce(&mut BundleResults) -> O, O>(_: &TypedBundle<F>) -> PhantomData<O> {
    PhantomData
}

fn main() {
    let po_id = 1;
    let typed = connectwise::bundle!(
        purchase_order_line_item(parent_id = po_id, page_size = 1000),
        configuration_type_question_value(parent_id = 20, grand_parent_id = 10),
        configuration_type_question_value(id = 30, grand_parent_id = 10, parent_id = 20),
    );
    let _: PhantomData<(
        Result<Vec<PurchaseOrderLineItem>, ItemError>,
        Result<Vec<ConfigurationTypeQuestionValue>, ItemError>,
        Result<ConfigurationTypeQuestionValue, ItemError>,
    )> = output(&typed);
    let r = typed.bundle().requests();
    assert_eq!((r[0].keys.grand_parent_id, r[0].keys.parent_id, r[0].keys.id), (None, Some(1), None));
    assert_eq!((r[1].keys.grand_parent_id, r[1].keys.parent_id, r[1].keys.id), (Some(10), Some(20), None));
    assert_eq!((r[2].keys.grand_parent_id, r[2].keys.parent_id, r[2].keys.id), (Some(10), Some(20), Some(30)));
}
